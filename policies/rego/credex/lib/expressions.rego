# What a value that holds a Terraform expression can still tell the rules (fail closed on the rest).
#
# A reference to a managed resource's attribute ("${aws_security_group.task.id}") is an edge: the rules judge it
# by what it names. Everything else that is still an expression when the gate sees it (a local, a variable, a
# module output, a data source, a function call, a for expression) stands for a value the gate cannot see: a
# rule that needs that value reports "cannot be judged" instead of passing. A plan's "(known after apply)"
# placeholder, with no configuration reference behind it, is a value the provider computes: the attribute was not
# set, so its default applies.
package credex.lib

# The placeholder the normaliser writes for a value computed at apply time without a configuration reference.
after_apply := "${(known after apply)}"

# The references a string makes, as written inside "${...}" (each "${" opens one).
interpolations(s) := [m[1] | some m in regex.find_all_string_submatch_n(`\$\{([^}]*)\}`, s, -1)]

# One reference to an attribute of a managed resource, optionally inside modules and with an instance key:
# aws_vpc.main.cidr_block, module.net.aws_subnet.a[0].id.
managed_reference_pattern := `^(module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)*[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+(\[[^\]]*\])?(\.[A-Za-z0-9_]+(\[[^\]]*\])?)+$`

managed_reference(ref) if {
	regex.match(managed_reference_pattern, ref)
	not regex.match(`^(module\.[^.]+\.)*(var|local|data|path|terraform|count|each|self)\.`, ref)
}

# An expression the gate cannot read, whatever it refers to (for switches and numbers: a reference to another
# resource's attribute is as unknown as a variable).
unresolved(v) if {
	is_ref(v)
	v != after_apply
}

# What a reader should do with a value the gate cannot see, for the messages.
judgeable_hint := "write the value literally in the configuration, or reference the managed resource that holds it"

# Booleans as Terraform reads them: true / "true", false / "false".
bool_value(v) if v in {true, "true"}

bool_value(v) := false if v in {false, "false"}

# The three states of a switch: "true", "false", "unset" (missing, null or computed at apply) or "unresolved".
switch_state(obj, key) := "true" if bool_value(object.get(obj, key, null)) == true

switch_state(obj, key) := "false" if bool_value(object.get(obj, key, null)) == false

switch_state(obj, key) := "unset" if object.get(obj, key, null) in {null, after_apply}

switch_state(obj, key) := "unresolved" if unresolved(object.get(obj, key, null))

# Why a switch that must be true (or must not be true) cannot be judged, or undefined when it can.
switch_unresolved_note(obj, key) := sprintf("%s is the unresolved expression %s and cannot be judged; %s", [key, obj[key], judgeable_hint]) if {
	switch_state(obj, key) == "unresolved"
}
