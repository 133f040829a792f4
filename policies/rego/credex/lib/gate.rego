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
