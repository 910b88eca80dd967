// Command expr-oracle evaluates expressions with the Go libraries Argo Workflows uses, as Debian packages
// them: expr-lang (github.com/antonmedv/expr), govaluate and sprig. It reads one case a line on stdin, as
// JSON {"syntax": "expr"|"template"|"when"|"govaluate", "text": "…", "env": {…}}, and writes one result a
// line: {"ok": true, "type": "float64", "value": …, "text": "…"} or {"ok": false, "error": "…"}.
//
//   - expr:      an expr-lang program run in Argo's environment (its variables, asInt, asFloat, string,
//     jsonpath, toJson, sprig); `value` is the Go value, `text` is how Argo writes it into a field.
//   - template:  a field with `{{…}}` and `{{= … }}` tags, replaced as Argo replaces them.
//   - when:      a `when` field: replaced as a template, then read by govaluate as Argo's steps do.
//   - govaluate: a govaluate expression read as Argo reads a `when` (bare names are strings).
//
// The env's keys are Argo's flat names ("steps.a.outputs.result"), expanded into nested maps as Argo does.
// See README.md beside this file for what differs from the versions Argo pins.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/Knetic/govaluate"
	"github.com/antonmedv/expr"
)

type input struct {
	Syntax string                 `json:"syntax"`
	Text   string                 `json:"text"`
	Env    map[string]interface{} `json:"env"`
}

type output struct {
	Ok    bool        `json:"ok"`
	Type  string      `json:"type,omitempty"`
	Value interface{} `json:"value,omitempty"`
	Text  *string     `json:"text,omitempty"`
	Error string      `json:"error,omitempty"`
}

// expand turns Argo's flat names into nested maps; a name that is also the prefix of a longer one gives
// way to it (Argo's removeConflicts).
func expand(flat map[string]interface{}) map[string]interface{} {
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]interface{}{}
	for i, k := range keys {
		if i+1 < len(keys) && strings.HasPrefix(keys[i+1], k+".") {
			continue
		}
		parts := strings.Split(k, ".")
		m := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]interface{})
			if !ok {
				next = map[string]interface{}{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = flat[k]
	}
	return out
}

// argoText is how Argo writes an expression's result into a field: json.Marshal, a string without its
// quotes, anything else quoted as a Go string literal without its quotes.
func argoText(v interface{}) (string, error) {
	if v == nil {
		return "", fmt.Errorf("failed to evaluate expression: the result is nil")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("failed to marshal evaluated expression: %w", err)
	}
	if len(b) > 1 && b[0] == '"' && b[len(b)-1] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s, nil
		}
	}
	q := fmt.Sprintf("%q", string(b))
	return q[1 : len(q)-1], nil
}

func runExpr(text string, flat map[string]interface{}) (v interface{}, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	// Argo reads a tag from the JSON of the template: it JSON-unmarshals the text to undo escapes.
	b, _ := json.Marshal(text)
	var unmarshalled string
	if err := json.Unmarshal([]byte(`"`+string(b[1:len(b)-1])+`"`), &unmarshalled); err != nil {
		return nil, fmt.Errorf("failed to unmarshall JSON expression: %w", err)
	}
	env := argoEnv(flat)
	program, err := expr.Compile(unmarshalled, expr.Env(env), expr.Patch(divisions{}))
	if err != nil {
		return nil, fmt.Errorf("failed to evaluate expression: %w", err)
	}
	v, err = expr.Run(program, env)
	if err != nil {
		return nil, fmt.Errorf("failed to evaluate expression: %w", err)
	}
	return v, nil
}

// replaceTemplate replaces every tag of a field as Argo's template engine does: a tag runs from `{{` to the
// first `}}`; `{{= … }}` is an expression, any other tag a name looked up in the flat env.
func replaceTemplate(text string, flat map[string]interface{}) (string, error) {
	var out strings.Builder
	rest := text
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			out.WriteString(rest)
			return out.String(), nil
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			out.WriteString(rest)
			return out.String(), nil
		}
		out.WriteString(rest[:i])
		tag := rest[i+2 : i+2+j]
		rest = rest[i+2+j+2:]
		if strings.HasPrefix(tag, "=") {
			v, err := runExpr(tag[1:], flat)
			if err != nil {
				return "", err
			}
			s, err := argoText(v)
			if err != nil {
				return "", err
			}
			out.WriteString(s)
			continue
		}
		name := strings.TrimSpace(tag)
		v, ok := flat[name]
		if !ok {
			return "", fmt.Errorf("failed to resolve {{%s}}", tag)
		}
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		out.WriteString(s)
	}
}

// shouldExecute reads a `when` as Argo's steps do: govaluate, with every bare name turned into a string,
// and the result must be a boolean.
func shouldExecute(when string) (interface{}, error) {
	e, err := govaluate.NewEvaluableExpression(when)
	if err != nil {
		return nil, err
	}
	tokens := e.Tokens()
	for i, t := range tokens {
		if t.Kind == govaluate.VARIABLE {
			t.Kind = govaluate.STRING
			tokens[i] = t
		}
	}
	e, err = govaluate.NewEvaluableExpressionFromTokens(tokens)
	if err != nil {
		return nil, err
	}
	r, err := e.Evaluate(nil)
	if err != nil {
		return nil, err
	}
	if _, ok := r.(bool); !ok {
		return nil, fmt.Errorf("Expected boolean evaluation for '%s'. Got %v", when, r)
	}
	return r, nil
}

func evaluate(in input) (v interface{}, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	switch in.Syntax {
	case "expr":
		return runExpr(in.Text, in.Env)
	case "template":
		return replaceTemplate(in.Text, in.Env)
	case "when":
		s, err := replaceTemplate(in.Text, in.Env)
		if err != nil {
			return nil, err
		}
		return shouldExecute(s)
	case "govaluate":
		return shouldExecute(in.Text)
	}
	return nil, fmt.Errorf("unknown syntax %q (expr, template, when, govaluate)", in.Syntax)
}

// jsonSafe is a value as JSON can carry it: a float that is not finite is left out (its text says it).
func jsonSafe(v interface{}) (interface{}, bool) {
	if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return nil, false
	}
	if _, err := json.Marshal(v); err != nil {
		return nil, false
	}
	return v, true
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		var in input
		var out output
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			out = output{Error: "bad case: " + err.Error()}
		} else if v, err := evaluate(in); err != nil {
			out = output{Error: err.Error()}
		} else {
			out = output{Ok: true, Type: fmt.Sprintf("%T", v)}
			if v != nil {
				out.Type = reflect.TypeOf(v).String()
			}
			text := fmt.Sprintf("%v", v)
			out.Text = &text
			if safe, ok := jsonSafe(v); ok {
				out.Value = safe
			}
		}
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		w.Flush()
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
