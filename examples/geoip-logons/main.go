// Command geoip-logons lists a host's logons with GeoIP: geoip-logons DATA_DIR HOST MMDB...
package main

import (
	"context"
	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
	"log"
	"os"
)

func main() {
	ctx := context.Background()
	hk := must(huntkit.Open(ctx))
	defer hk.Close()
	s := must(hk.Provider("LocalData", huntkit.WithData(os.Args[1])))
	logons := must(s.Run(ctx, "WindowsSecurity.list_host_logons", huntkit.Params{"host_name": os.Args[2], "start": "-30d"}))
	db := must(geoip.Open(os.Args[3:]...))
	f := must(must(db.EnrichFrame(ctx, logons, "IpAddress")).Select("TimeGenerated", "TargetUserName", "IpAddress", "CountryCode", "City"))
	must(0, frame.WriteTable(os.Stdout, f, frame.TableOptions{Width: 160}))
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}
