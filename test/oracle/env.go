package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"

	sprig "github.com/Masterminds/sprig"
	"github.com/antonmedv/expr/ast"
)

// sprigFuncs is sprig's generic function map less env and expandenv, as Argo exposes it under `sprig`.
var sprigFuncs = func() map[string]interface{} {
	m := sprig.GenericFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	return m
}()

// argoEnv is Argo's expression environment (util/expr/env GetFuncMap of Argo 4): the expanded variables,
// asInt and asFloat (aliases of expr-lang's int and float), jsonpath, toJson and sprig. Debian's expr-lang
// (1.8) has no int, float nor string builtins: they are given here with the meaning of expr-lang 1.17's.
func argoEnv(flat map[string]interface{}) map[string]interface{} {
	env := expand(flat)
	env["int"] = toInt
	env["float"] = toFloat
	env["string"] = toString
	env["asInt"] = toInt
	env["asFloat"] = toFloat
	env["jsonpath"] = jsonPath
	env["toJson"] = toJSON
	env["sprig"] = sprigFuncs
	env[divideName] = divide
	return env
}

// divideName is the name under which the oracle's "/" for integers is in the environment.
const divideName = "__dflowIntDivide"

var intType = reflect.TypeOf(0)

// toInt is expr-lang 1.17's int(): a number truncated, a string read by strconv.Atoi.
func toInt(x interface{}) int {
	switch v := x.(type) {
	case float64:
		return int(v)
	case float32:
		return int(v)
	case int:
		return v
	case string:
		i, err := strconv.Atoi(v)
		if err != nil {
			panic(fmt.Sprintf("invalid operation: int(%s)", v))
		}
		return i
	}
	if rv := reflect.ValueOf(x); x != nil && rv.Type().ConvertibleTo(intType) && rv.Kind() != reflect.String {
		return rv.Convert(intType).Interface().(int)
	}
	panic(fmt.Sprintf("invalid operation: int(%T)", x))
}

// toFloat is expr-lang 1.17's float(): a number as float64, a string read by strconv.ParseFloat.
func toFloat(x interface{}) float64 {
	switch v := x.(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			panic(fmt.Sprintf("invalid operation: float(%s)", v))
		}
		return f
	}
	panic(fmt.Sprintf("invalid operation: float(%T)", x))
}

// toString is expr-lang 1.17's string(): fmt's %v.
func toString(x interface{}) string { return fmt.Sprintf("%v", x) }

// divide is expr-lang 1.17's "/": a float division of any two numbers (expr-lang 1.8 divides two integers
// as Go does); the oracle's parser patch puts it in place of every "/".
func divide(a, b interface{}) float64 {
	x, okA := asFloat64(a)
	y, okB := asFloat64(b)
	if !okA || !okB {
		panic(fmt.Sprintf("invalid operation: %T / %T", a, b))
	}
	return x / y
}

func asFloat64(v interface{}) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// divisions replaces every "/" of a program by a call of divide.
type divisions struct{}

func (divisions) Enter(*ast.Node) {}
func (divisions) Exit(node *ast.Node) {
	if b, ok := (*node).(*ast.BinaryNode); ok && b.Operator == "/" {
		ast.Patch(node, &ast.FunctionNode{Name: divideName, Arguments: []ast.Node{b.Left, b.Right}})
	}
}

// toJSON is Argo's toJson: json.Marshal, a panic (an error of the expression) when it fails.
func toJSON(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var pathStep = regexp.MustCompile(`^(?:\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])`)

// jsonPath is Argo's jsonpath(doc, path): the document read as JSON, then the path looked up. Argo uses
// github.com/evilmonkeyinc/jsonpath, which Debian does not package: this is the subset the DSL prints
// (`$`, `.key`, `['key']`, `[n]`), a missing key or index being an error as there.
func jsonPath(doc string, path string) interface{} {
	var v interface{}
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		panic(err)
	}
	if len(path) == 0 || path[0] != '$' {
		panic(fmt.Sprintf("invalid jsonpath %q: it starts with $", path))
	}
	rest := path[1:]
	for rest != "" {
		m := pathStep.FindStringSubmatch(rest)
		if m == nil {
			panic(fmt.Sprintf("jsonpath %q: unsupported at %q", path, rest))
		}
		rest = rest[len(m[0]):]
		if m[2] != "" {
			list, ok := v.([]interface{})
			i, _ := strconv.Atoi(m[2])
			if !ok || i >= len(list) {
				panic(fmt.Sprintf("index [%d] out of range", i))
			}
			v = list[i]
			continue
		}
		key := m[1] + m[3] + m[4]
		obj, ok := v.(map[string]interface{})
		if !ok {
			panic(fmt.Sprintf("key '%s' not found: not an object", key))
		}
		if v, ok = obj[key]; !ok {
			panic(fmt.Sprintf("key '%s' not found", key))
		}
	}
	return v
}
