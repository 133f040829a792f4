# The entry point compiled to WebAssembly: every finding of every rule under data.credex.rules.
# Each rule is a set of {"address", "message"} objects; the host maps "<area>.<rule>" to the rule's
# annotations (id, severity, remediation) extracted at build time, because the wasm SDK has no rego.metadata.*.
package credex

findings contains finding if {
	some area, name
	some f in data.credex.rules[area][name]
	not endswith(area, "_test")
	is_object(f)
	finding := object.union(f, {"rule": sprintf("%s.%s", [area, name])})
}
