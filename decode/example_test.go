package decode_test

import (
	"fmt"

	"github.com/huntkit/huntkit/decode"
)

func ExampleDecode() {
	// "whoami /all" as PowerShell encodes it for -EncodedCommand (UTF-16LE, base64)
	res, err := decode.Decode("powershell.exe -NoP -EncodedCommand dwBoAG8AYQBtAGkAIAAvAGEAbABsAA==")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Text)
	for _, it := range res.Items {
		fmt.Println(it.Reference, it.Encoding, it.Charset, it.SHA256[:16])
	}
	// Output:
	// powershell.exe -NoP -EncodedCommand <decoded type='string' name='[base64]' index='1' depth='1'>whoami /all</decoded>
	// 1 base64 utf-16le 972bb951a28722a9
}
