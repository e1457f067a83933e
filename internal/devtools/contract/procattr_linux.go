package main

import "syscall"

// childAttr puts a child in a process group of its own, and has Linux end
// it should this process die without stopping it (SIGKILL).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
