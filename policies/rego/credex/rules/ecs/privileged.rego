package credex.rules.ecs

import data.credex.lib

# METADATA
# title: No privileged containers
# description: >-
#   A privileged container has every capability of the host and can escape to it (Fargate rejects it;
#   on EC2 it is root on the instance).
# scope: document
# custom:
#   id: CDX-ECS-001
#   severity: deny
#   remediation: Remove privileged = true; add only the Linux capabilities the container needs.
privileged_container contains finding if {
	some [addr, i, c] in lib.containers
	object.get(c, "privileged", false) == true
	finding := {"address": addr, "message": sprintf("%s is privileged", [lib.container_name(i, c)])}
}
