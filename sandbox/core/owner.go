package core

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// ListenOwner listens on a loopback port that only this user's processes
// may use. The sandbox's doors (the provider the engine drives, the front
// door, the AWS endpoint) listen on 127.0.0.1, which every local user can
// reach; the engine cannot present a token to a debug provider, so each
// connection is checked instead: the kernel's socket table names the user
// that owns the client end, and a connection from anyone else is closed
// before a byte is read. On systems without /proc/net/tcp the check is off
// (the doors are loopback-only either way).
func ListenOwner() (net.Listener, error) { return ListenOwnerAt("127.0.0.1:0") }

// ListenOwnerAt is ListenOwner at a given loopback address (a stable port
// the user asked for, as `sandbox serve --port` does).
func ListenOwnerAt(addr string) (net.Listener, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &ownerListener{Listener: lis, uid: os.Getuid()}, nil
}

type ownerListener struct {
	net.Listener
	uid int
}

func (l *ownerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if peerAllowed(c, l.uid) {
			return c, nil
		}
		c.Close()
	}
}

// peerAllowed reports whether the client end of c belongs to uid.
func peerAllowed(c net.Conn, uid int) bool {
	if runtime.GOOS != "linux" {
		return true
	}
	remote, ok := c.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return false
	}
	local, ok := c.LocalAddr().(*net.TCPAddr)
	if !ok {
		return false
	}
	owner, err := socketOwner(remote, local)
	if err != nil {
		return false // cannot tell: refuse rather than serve a stranger
	}
	return owner == uid
}

// socketOwner finds the uid of the socket whose local address is the
// client's (remote) end and whose peer is our listener, in /proc/net/tcp
// (https://www.kernel.org/doc/html/latest/networking/proc_net_tcp.html).
func socketOwner(client, server *net.TCPAddr) (int, error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	want := hexAddr(client) + " " + hexAddr(server)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 || fields[1]+" "+fields[2] != want {
			continue
		}
		return strconv.Atoi(fields[7])
	}
	return 0, fmt.Errorf("no socket %s in /proc/net/tcp", want)
}

// hexAddr is an IPv4 address as /proc/net/tcp prints it: the address's
// four bytes as one little-endian hex word, then the port.
func hexAddr(a *net.TCPAddr) string {
	ip := a.IP.To4()
	if ip == nil {
		return ""
	}
	return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], a.Port)
}
