package credex.rules.gate

import data.credex.lib

# METADATA
# title: Every part of the document can be judged
# description: >-
#   The rules judge the resources the document holds. A module call's resources are not in a cdktf config (only the
#   call is), and a dynamic block or a for expression that builds blocks over a variable, a data source or any
#   collection the gate cannot read hides the blocks it would produce: judging the rest would pass whatever they
#   contain. The normaliser expands what it can exactly (dynamic blocks and for expressions over a literal list, set
#   or map, or a local that is one; locals everywhere); what stays opaque fails the gate instead of passing silently.
#   A plan is opaque where it is incomplete: changes Terraform deferred to a later plan (complete is false) or did
#   not reach (errored is true).
# scope: document
# custom:
#   id: CDX-GATE-002
#   severity: deny
#   remediation: >-
#     Judge the plan, where Terraform has expanded modules and dynamic blocks: terraform plan -out plan.tfplan &&
#     terraform show -json plan.tfplan > plan.json && npm run -s policy-check -- --input plan.json. Or, in the
#     config, iterate over a literal list or a local that is one, or write the blocks out; a module call that is
#     reviewed elsewhere may carry a waiver with its reason. An incomplete or errored plan: plan again until
#     Terraform writes a complete plan, and judge that one.
cannot_judge contains finding if {
	some shape in object.get(input, "unjudgeable", [])
	finding := {
		"address": shape.address,
		"message": sprintf("cannot be judged: %s — %s", [shape.detail, object.get(lib.how_to_judge, shape.shape, "judge the plan (terraform show -json)")]),
	}
}
