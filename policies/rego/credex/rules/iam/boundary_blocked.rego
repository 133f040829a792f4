package credex.rules.iam

import data.credex.effective

# METADATA
# title: A role's grants fit its permissions boundary
# description: >-
#   A permissions boundary caps what a role may do: an identity policy that grants an action on a resource the
#   boundary never allows grants nothing (the effective permission is the intersection), so the workload fails at
#   run time with AccessDenied although its policy names the call, as the Neo4j rotation's PutSecretValue on the
#   seed-named connection secret did. Judged for every role whose boundary policy is in the same document (a
#   boundary owned by another stack is judged when the stacks are evaluated together), with the role's account,
#   ARN and tags; request-time keys are assumed to hold. AWS-managed policies are not judged: a boundary is meant
#   to cap them.
# scope: document
# custom:
#   id: CDX-IAM-020
#   severity: deny
#   remediation: >-
#     Widen the boundary to what the role's policy needs (tools/iam derives it from the role policies: run npm run
#     iam:policy), or drop the grant if the workload does not need it.
boundary_blocked contains finding if {
	some [role, source, i, s, pairs] in effective.dead_grants
	finding := {
		"address": effective.source_address(source),
		"message": sprintf("statement %s of the policy of role %s grants %s, which its permissions boundary %s never allows: the grant is dead", [effective.statement_label(i, s), effective.name_of(role), concat(", ", [sprintf("%s on %s", [a, r]) | some [a, r] in pairs]), effective.unresolved_or(effective.boundary_arn(role))]),
	}
}
