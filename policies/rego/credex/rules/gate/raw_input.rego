package credex.rules.gate

import data.credex.lib

# METADATA
# title: The policies judge the gate's normalised input
# description: >-
#   The rules read the gate's normalised view ({"format", "stack", "environment", "resources"}), which
#   `npm run policy-check` builds from cdk.tf.json or a plan. Evaluated on raw Terraform JSON by another tool (opa
#   eval, conftest), they would find nothing and pass silently; this rule makes that a deny instead.
# scope: document
# custom:
#   id: CDX-GATE-001
#   severity: deny
#   remediation: >-
#     Run the gate through its CLI (npm run -s policy-check -- --input FILE), which normalises cdk.tf.json and
#     terraform show -json plans before evaluating the bundle.
raw_input contains finding if {
	not lib.normalised_input
	finding := {"address": "(input)", "message": sprintf("the input is not the gate's normalised form (%s); run the gate through its CLI", [lib.input_shape])}
}
