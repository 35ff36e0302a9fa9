package ioc

// Byte classes for the scanner. One table lookup per byte decides whether a byte can be part
// of a word-like token (letters, digits, '.', '-', '_') and what it contributes.
const (
	cLower   uint16 = 1 << iota // a-z
	cUpper                      // A-Z
	cDigit                      // 0-9
	cHexL                       // a-f, A-F
	cDot                        // .
	cDash                       // - and _
	cWord                       // any of the above: letters, digits, '.', '-', '_'
	cLx                         // byte allowed in a Linux path segment
	cWinIn                      // byte allowed in an inner Windows path segment (spaces, parens)
	cWinLast                    // byte allowed in the last Windows path segment
	cURL                        // byte allowed in a URL after the host
	cHost                       // byte allowed in a host name: letters, digits, '.', '-', '_'
	cHigh                       // non-ASCII byte (part of a UTF-8 sequence)
)

var cls [256]uint16

func init() {
	for c := 0; c < 256; c++ {
		var k uint16
		b := byte(c)
		switch {
		case b >= 'a' && b <= 'z':
			k |= cLower | cWord | cHost
			if b <= 'f' {
				k |= cHexL
			}
		case b >= 'A' && b <= 'Z':
			k |= cUpper | cWord | cHost
			if b <= 'F' {
				k |= cHexL
			}
		case b >= '0' && b <= '9':
			k |= cDigit | cWord | cHost
		case b == '.':
			k |= cDot | cWord | cHost
		case b == '-' || b == '_':
			k |= cDash | cWord | cHost
		case b >= 0x80:
			k |= cHigh
		}
		alnum := k&(cLower|cUpper|cDigit) != 0
		// Linux path segment: letters, digits and the punctuation usual in file names.
		if alnum || b >= 0x80 || (b != 0 && contains("._-+~@%#$", b)) {
			k |= cLx
		}
		// Windows: inner segments may hold spaces and parentheses ("Program Files (x86)").
		if alnum || b >= 0x80 || contains("._-$~#@!+%'{}[]&", b) {
			k |= cWinLast
			k |= cWinIn
		}
		if contains(" ()", b) {
			k |= cWinIn
		}
		// URL characters after the authority (RFC 3986 unreserved + reserved, plus '%').
		if alnum || b >= 0x80 || contains("-._~:/?#[]@!$&()*+,;=%|", b) {
			k |= cURL
		}
		cls[c] = k
	}
	// A quote ends a last Windows segment (it usually closes a quoted command line).
	cls['\''] &^= cWinLast
	cls['['] &^= cWinLast
	cls[']'] &^= cWinLast
}

func contains(set string, b byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == b {
			return true
		}
	}
	return false
}

func isHexByte(b byte) bool { return cls[b]&(cDigit|cHexL) != 0 }
