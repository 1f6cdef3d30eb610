module github.com/wasix-go/wasix

go 1.25.0
