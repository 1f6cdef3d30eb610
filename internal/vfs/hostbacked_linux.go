package vfs

func (*hostFile) hostDescriptor() {}
