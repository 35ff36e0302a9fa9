package ioc_test

import (
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/ioc"
)

func ExampleExtract() {
	text := `C2 hxxps://cdn.evil-updates[.]com/a.ps1 from 10.1.2.3; dropped C:\Users\Public\x.exe (md5 D41D8CD98F00B204E9800998ECF8427E), version 1.2.3.4`
	for _, m := range ioc.Extract(text) {
		fmt.Println(strings.TrimSpace(fmt.Sprint(m.Type, " ", m.Value, " ", m.Scope)))
	}
	// Output:
	// url https://cdn.evil-updates.com/a.ps1
	// dns cdn.evil-updates.com
	// ipv4 10.1.2.3 private
	// windows_path C:\Users\Public\x.exe
	// md5_hash d41d8cd98f00b204e9800998ecf8427e
}

func ExampleDefang() {
	fmt.Println(ioc.Defang("https://evil.com/login", ioc.URL))
	fmt.Println(ioc.Refang("bob[at]evil[.]com"))
	// Output:
	// hxxps[://]evil[.]com/login
	// bob@evil.com
}
