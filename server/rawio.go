package server

import (
	"syscall"
	"unsafe"
)

// The socket calls that never block (the socket is non-blocking, and
// each asks for no wait) are made as raw system calls: without telling
// the scheduler that a goroutine enters a system call, so that it does
// not hand the goroutine's processor to another thread while the call
// runs, and wake a thread to do so, once for every message delivered.
// A call that would block returns EAGAIN at once instead.

// rawWrite writes b to the socket fd without waiting.
func rawWrite(fd uintptr, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// rawRecv reads into b from the socket fd without waiting; flags may add
// MSG_PEEK.
func rawRecv(fd uintptr, b []byte, flags int) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(flags|syscall.MSG_DONTWAIT), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}
