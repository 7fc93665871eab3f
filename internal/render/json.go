package render

import (
	"encoding/json"
	"io"
)

// SchemaVersion is the version of every JSON document regauth prints; it
// changes only when a field changes meaning or goes away (docs/json.md).
const SchemaVersion = 1

// JSON writes v indented, without HTML escaping (URLs keep their & and <).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
