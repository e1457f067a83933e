package ratelimit

import "net/netip"

// SourceKey is what a per-address limit counts a source address as.
// One IPv6 host usually holds a whole /64 and can send from any address in
// it, so IPv6 addresses count by their /64; a port (a dev server's remote
// address) is dropped. Anything unparseable counts as it is.
func SourceKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		ap, perr := netip.ParseAddrPort(ip)
		if perr != nil {
			return ip
		}
		addr = ap.Addr()
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr.WithZone(""), 64).Masked().String()
}
