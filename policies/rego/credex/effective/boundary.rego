# Grants a role's permissions boundary never lets it use: dead permissions, usually a bug (the workload fails at
# run time with AccessDenied although its policy names the action). For CDX-IAM-020.
#
# A grant is dead when no Allow statement of the boundary matches its action and overlaps its resource under
# conditions that could hold for the role: the request-time keys the gate cannot know (a resource's tags, the
# service a call goes through) are assumed to hold; the role's own account, ARN and tags are not.
package credex.effective

import data.credex.lib

# [role, source, statement index, statement, [[action, resource] ...]] for every identity statement with dead pairs.
dead_grants contains [role, source, i, s, pairs] if {
	# Roles whose boundary is in the input first: without one, no identity policy is read at all.
	some role, boundary in role_boundaries
	boundary != null
	some [r, source, sts] in role_policies
	r == role
	sts != null
	not aws_managed(source)
	ctx := principal_context({"kind": "role", "address": role, "arn": arn_of(role)})
	some i, s in sts
	s.effect == "Allow"
	pairs := [[a, raw] |
		some a in lib.string_list(s.actions)
		not wildcard(a)
		some j, r in lib.string_list(s.resources)
		not is_unresolved(r)
		raw := original(s, j, r)
		not boundary_may_allow(boundary, a, r, ctx)
	]
	count(pairs) > 0
}

# AWS's own managed policies grant what a service may ever need; a boundary is expected to cap them.
aws_managed(source) if regex.match(`\(arn:[^:]+:iam::aws:policy/`, source)

# The resource as the policy wrote it (a reference), else as resolved.
original(s, j, _) := s.raw_resources[j]

original(s, j, r) := r if not s.raw_resources[j]

boundary_may_allow(boundary, action, resource, ctx) if {
	some b in boundary
	b.effect == "Allow"
	action_matches(b, action)
	resource_overlaps(b, resource, ctx)
	every c in b.conditions {
		condition_possible(c, ctx)
	}
}

# A boundary statement without Resource, or one of its patterns (policy variables the role cannot fill read as *)
# matching the grant's resource, or the grant's own pattern matching the boundary's.
resource_overlaps(b, _, _) if b.resources == null

resource_overlaps(b, resource, ctx) if {
	some p in b.resources
	bp := lenient_subst(p, ctx)
	patterns_overlap(bp, resource)
}

patterns_overlap(boundary_pattern, resource) if wild_match(boundary_pattern, resource)

patterns_overlap(boundary_pattern, resource) if {
	wildcard(resource)
	wild_match(resource, boundary_pattern)
}

lenient_subst(p, ctx) := v if {
	v := subst(p, ctx)
} else := strings.replace_n({m[0]: "*" | some m in regex.find_all_string_submatch_n(`\$\{[^}]*\}`, p, -1)}, p)

# A condition on a key the gate knows (the role's account, ARN, tags) must hold; others may hold at request time.
condition_possible(c, ctx) if condition_holds(c, ctx)

condition_possible(c, ctx) if {
	object.get(ctx, lower(c.key), null) == null
}

# The address a policy source names ("aws_iam_role_policy.p", "aws_iam_role_policy_attachment.a (arn...)",
# "aws_iam_role.r.inline_policy[0]").
source_address(source) := split(source, " ")[0] if not contains(source, ".inline_policy[")

source_address(source) := split(source, ".inline_policy[")[0] if contains(source, ".inline_policy[")

statement_label(i, s) := sprintf("%d (%s)", [i, s.sid]) if s.sid != ""

statement_label(i, s) := sprintf("%d", [i]) if s.sid == ""
