//go:build !linux

package vfs

func (*otherFile) hostDescriptor() {}
