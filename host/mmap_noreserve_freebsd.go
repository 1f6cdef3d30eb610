package host

// mapNoReserve: FreeBSD reserves nothing for an untouched mapping anyway.
const mapNoReserve = 0
