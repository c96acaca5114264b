// k8s-schemas turns the Kubernetes OpenAPI v2 document of one release (api/openapi-spec/swagger.json
// in the k8s.io/kubernetes module, fetched from the Go module proxy) into the JSON schemas kubeconform
// reads: one standalone file per kind, $refs inlined, strict (no property the API does not know).
// The layout matches kubeconform's default schema location template:
//
//	<out>/<version>-standalone-strict/<kind>-<group>-<apiversion>.json   (core kinds: <kind>-<apiversion>.json)
//
// Usage: k8s-schemas -swagger <swagger.json> -out <dir> -version v1.34.4
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

type schema = map[string]any

var definitions map[string]schema

// quantity is the serialization format of resource.Quantity (k8s.io/apimachinery/pkg/api/resource).
const quantity = `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+))?$`

func main() {
	swagger := flag.String("swagger", "", "path to api/openapi-spec/swagger.json")
	out := flag.String("out", "", "output folder")
	version := flag.String("version", "", "Kubernetes version, e.g. v1.34.4")
	flag.Parse()
	if *swagger == "" || *out == "" || *version == "" {
		flag.Usage()
		os.Exit(2)
	}
	raw, err := os.ReadFile(*swagger)
	check(err)
	var doc struct {
		Definitions map[string]schema `json:"definitions"`
	}
	check(json.Unmarshal(raw, &doc))
	definitions = doc.Definitions

	dir := filepath.Join(*out, *version+"-standalone-strict")
	check(os.MkdirAll(dir, 0o755))
	count := 0
	for name, def := range definitions {
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, entry := range gvks {
			gvk := entry.(map[string]any)
			group, version, kind := gvk["group"].(string), gvk["version"].(string), gvk["kind"].(string)
			file := strings.ToLower(kind)
			if group != "" {
				file += "-" + strings.ToLower(strings.Split(group, ".")[0])
			}
			file += "-" + strings.ToLower(version) + ".json"
			apiVersion := version
			if group != "" {
				apiVersion = group + "/" + version
			}
			resolved := inline(schema{"$ref": "#/definitions/" + name}, map[string]bool{}).(schema)
			props := resolved["properties"].(schema)
			// The document's own apiVersion/kind, as kubeconform's published schemas pin them.
			props["apiVersion"] = schema{"type": "string", "enum": []any{apiVersion}}
			props["kind"] = schema{"type": "string", "enum": []any{kind}}
			resolved["$schema"] = "http://json-schema.org/schema#"
			data, err := json.Marshal(resolved)
			check(err)
			check(os.WriteFile(filepath.Join(dir, file), data, 0o644))
			count++
		}
	}
	fmt.Printf("[k8s-schemas] %d kinds of Kubernetes %s → %s\n", count, *version, dir)
}

// inline resolves $refs (recursive types such as JSONSchemaProps become "any"), makes objects strict,
// and accepts what the API server accepts for int-or-string and quantities.
func inline(node any, seen map[string]bool) any {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/definitions/")
			if seen[name] {
				return schema{}
			}
			seen[name] = true
			defer delete(seen, name)
			return inline(definitions[name], seen)
		}
		switch n["format"] {
		case "int-or-string":
			return schema{"oneOf": []any{schema{"type": "string"}, schema{"type": "integer"}}}
		}
		if _, isQuantity := n["description"].(string); isQuantity && strings.HasPrefix(n["description"].(string), "Quantity is a fixed-point") {
			return schema{"oneOf": []any{schema{"type": "string", "pattern": quantity}, schema{"type": "number"}}}
		}
		result := schema{}
		for key, value := range n {
			if key == "description" || strings.HasPrefix(key, "x-kubernetes-") && key != "x-kubernetes-group-version-kind" {
				continue
			}
			if key == "x-kubernetes-group-version-kind" {
				continue
			}
			result[key] = inline(value, seen)
		}
		if _, hasProps := result["properties"]; hasProps {
			if _, open := result["additionalProperties"]; !open {
				result["additionalProperties"] = false
			}
		}
		return result
	case []any:
		result := make([]any, len(n))
		for i, value := range n {
			result[i] = inline(value, seen)
		}
		return result
	default:
		return n
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "[k8s-schemas]", err)
		os.Exit(1)
	}
}
