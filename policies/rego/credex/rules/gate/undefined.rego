package credex.rules.gate

import data.credex.terraform

# METADATA
# title: No expression holds a JavaScript undefined
# description: >-
#   cdktf renders a TypeScript value that was undefined as the bare word `undefined` inside a Terraform expression
#   (for example Fn.jsonencode of an object whose keys are tokens: `${jsonencode({"..." = undefined})}`). Terraform
#   rejects the configuration ("Invalid reference"), so the stack can never plan; found here, before Terraform runs.
# scope: document
# custom:
#   id: CDX-GATE-010
#   severity: deny
#   remediation: >-
#     Build the value so that every part is defined at synth: tokens may be values but not object keys (render a
#     list of pairs, or look the keys up with Fn.zipmap), and pass literals rather than optional props that are unset.
undefined_expression contains finding if {
	some [addr, path, _] in terraform.undefined_values
	finding := {"address": addr, "message": sprintf("%s holds an expression with a JavaScript undefined in it: Terraform rejects it (Invalid reference)", [path])}
}
