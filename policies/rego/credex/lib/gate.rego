# Whether the input is the normalised form the CLI builds (policies/engine/normalise.ts), and what it is otherwise.
package credex.lib

normalised_input if {
	is_object(input.resources)
	input.format in {"cdktf", "plan"}
}

input_shape := "raw cdktf config: resource/data blocks" if {
	some key in ["resource", "data", "terraform", "provider"]
	input[key]
} else := "raw terraform show -json plan" if {
	some key in ["planned_values", "resource_changes", "format_version"]
	input[key]
} else := "no resources map"

# How to make each shape the normaliser could not open judgeable (CDX-GATE-002's messages).
how_to_judge := {
	"module": "judge the plan instead (terraform show -json of a saved plan), where the module's resources are expanded",
	"dynamic": "iterate over a literal list or a local that is one, write the blocks out, or judge the plan (terraform show -json)",
	"for-expression": "iterate over a literal list or a local that is one, write the blocks out, or judge the plan (terraform show -json)",
	"deferred": "apply what the plan holds, plan again once the values it waits for are known, and judge that plan",
	"incomplete-plan": "plan again until Terraform writes a complete plan without errors, and judge that plan",
}
