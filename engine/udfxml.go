package engine

import (
	"database/sql/driver"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/huntkit/huntkit/internal/xmljson"
)

// xmlUDF is hk_parse_xml(xml VARCHAR) VARCHAR: the JSON text of an XML document as
// KQL's parse_xml converts it (package internal/xmljson), NULL for invalid XML or input
// over 1 MB, as Kusto returns.
type xmlUDF struct{}

func (xmlUDF) Config() duckdb.ScalarFuncConfig {
	s, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{s}, ResultTypeInfo: s}
}

func (xmlUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(a []driver.Value) (any, error) {
		s, ok := a[0].(string)
		if !ok {
			return nil, nil
		}
		out, err := xmljson.Convert(s)
		if err != nil {
			return nil, nil // Kusto: null when the XML is invalid
		}
		return out, nil
	}}
}
