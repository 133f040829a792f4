package credex.rules.ecs

import data.credex.lib

# METADATA
# title: No privileged containers
# description: >-
#   A privileged container has every capability of the host and can escape to it (Fargate rejects it;
#   on EC2 it is root on the instance). "true" is true; a privileged flag or container definitions the gate cannot
#   read (an unresolved expression) cannot be judged and are reported.
# scope: document
# custom:
#   id: CDX-ECS-001
#   severity: deny
#   remediation: Remove privileged = true; add only the Linux capabilities the container needs.
privileged_container contains finding if {
	some [addr, i, c] in lib.containers
	lib.switch_state(c, "privileged") == "true"
	finding := {"address": addr, "message": sprintf("%s is privileged", [lib.container_name(i, c)])}
}

privileged_container contains finding if {
	some [addr, i, c] in lib.containers
	note := lib.switch_unresolved_note(c, "privileged")
	finding := {"address": addr, "message": sprintf("%s: %s", [lib.container_name(i, c), note])}
}

# Container definitions the gate cannot read could hold a privileged container.
privileged_container contains finding if {
	some [addr, why] in lib.unreadable_containers
	finding := {"address": addr, "message": sprintf("container_definitions %s: whether a container is privileged cannot be judged; build the definitions from literal objects (Fn.jsonencode of plain objects) so they can be read", [why])}
}
