package credex.rules.iam

import data.credex.lib

# METADATA
# title: GitHub OIDC roles trust only a reviewed GitHub environment
# description: >-
#   A role that trusts GitHub's OIDC provider is assumed by any workflow job whose token matches its sub
#   condition. Only the subject repo:<owner>/<repo>:environment:<name> is issued after the GitHub environment's
#   protection rules (required reviewers, deployment branches) passed. A branch or tag subject
#   (repo:o/r:ref:refs/heads/prod) lets any job on that ref that names no environment skip the reviewers; a wildcard
#   (StringLike repo:o/r:*) admits pull requests and every branch; a missing sub condition admits every repository
#   on GitHub. A sub value that is an unresolved reference cannot be judged and is reported too. The same trust
#   policy must not also let another principal (the account root, a user, a service, "*") assume the role.
# scope: document
# custom:
#   id: CDX-IAM-008
#   severity: deny
#   remediation: >-
#     Trust exactly repo:<owner>/<repo>:environment:<name> with StringEquals on token.actions.githubusercontent.com:sub
#     (plus :aud = sts.amazonaws.com), run the deploy job with environment: <name>, and give that GitHub environment
#     required reviewers and a deployment-branch rule.
github_oidc_trust contains finding if {
	# Allow statements of every policy document, JSON or aws_iam_policy_document, with their condition values
	# (the shared lib keeps only condition keys): {"address", "where", "federated", "actions", "conditions"}.
	json_statements := {st |
		some [addr, attribute, _, value] in lib.policy_strings
		not lib.document_ref(value)
		parsed := lib.policy_json[value]
		is_object(parsed)
		some i, s in lib.as_list(object.get(parsed, "Statement", []))
		is_object(s)
		object.get(s, "Effect", "Allow") == "Allow"
		regex.match(`(?i)assumerolewithwebidentity|[*?]`, json.marshal(object.get(s, "Action", ""))) # judge role trusts only
		principal := object.get(s, "Principal", {})
		is_object(principal)
		condition := object.get(s, "Condition", {})
		st := {
			"address": addr,
			"where": sprintf("%s statement %s", [attribute, lib.statement_name(i, {"sid": object.get(s, "Sid", "")})]),
			"federated": lib.strings(object.get(principal, "Federated", null)),
			"actions": lib.strings(object.get(s, "Action", null)),
			"conditions": {[op, key, lib.strings(v)] |
				is_object(condition)
				some op, pairs in condition
				is_object(pairs)
				some key, v in pairs
			},
		}
	}
	data_documents := {[consumer, attribute, ref, ref] | # a data source used by a policy attribute is judged there
		some [consumer, attribute, _, value] in lib.policy_strings
		ref := lib.document_ref(value)
		input.resources[ref]
	} | {[ref, "statement", ref, ""] | # an unused one where it is
		some ref, _ in lib.data_sources(lib.policy_document_type)
		not lib.referenced_document(ref)
	}
	data_statements := {st |
		some [addr, attribute, ref, via] in data_documents
		doc_values := lib.values(input.resources[ref])
		some i, s in lib.blocks(doc_values, "statement")
		object.get(s, "effect", "Allow") == "Allow"
		from := [sprintf(" (from %s)", [via]) | via != ""]
		st := {
			"address": addr,
			"where": sprintf("%s%s statement %s", [attribute, concat("", from), lib.statement_name(i, {"sid": object.get(s, "sid", "")})]),
			"federated": [id | some p in lib.blocks(s, "principals"); p.type == "Federated"; some id in lib.attr_strings(p, "identifiers")],
			"actions": lib.attr_strings(s, "actions"),
			"conditions": {[object.get(c, "test", ""), object.get(c, "variable", ""), lib.attr_strings(c, "values")] |
				some c in lib.blocks(s, "condition")
			},
		}
	}
	some st in (json_statements | data_statements)

	# A GitHub OIDC trust: a Federated principal that is GitHub's provider (its ARN, or a reference to an
	# aws_iam_openid_connect_provider for GitHub's URL), or conditions on GitHub's token claims.
	github_providers := {addr |
		some addr, p in lib.resources("aws_iam_openid_connect_provider")
		contains(lower(object.get(lib.values(p), "url", "")), "token.actions.githubusercontent.com")
	}
	github_signs := ({true |
		some f in st.federated
		contains(lower(f), "token.actions.githubusercontent.com")
	} | {true |
		some f in st.federated
		some provider in github_providers
		contains(f, sprintf("${%s.", [provider]))
	}) | {true |
		count(st.federated) > 0
		some [_, key, _] in st.conditions
		startswith(lower(key), "token.actions.githubusercontent.com")
	}
	count(github_signs) > 0
	some action in st.actions
	glob.match(lower(action), [], "sts:assumerolewithwebidentity") # IAM globs cross ":" ("*" is every action)

	# The sub conditions that restrict who may assume the role (a negated operator restricts nothing).
	subs := {[op, vals] |
		some [op, key, vals] in st.conditions
		regex.match(`(?i)^token\.actions\.githubusercontent\.com(/[^:]+)?:sub$`, key)
		regex.match(`(?i)^(for(any|all)values?:)?string(equals|equalsignorecase|like)(ifexists)?$`, op)
	}
	problems := ((({"has no sub condition, so a workflow of any repository on GitHub can assume it" | count(subs) == 0} | {sprintf("trusts sub \"%s\" with %s: the wildcard admits pull requests and every branch", [v, op]) |
		some [op, vals] in subs
		contains(lower(op), "like")
		some v in vals
		regex.match(`[*?]`, v)
	}) | {sprintf("trusts sub \"%s\", an unresolved reference: the gate cannot tell whether it names a reviewed environment", [v]) |
		some [op, vals] in subs
		some v in vals
		lib.is_ref(v)
	}) | {sprintf("trusts sub \"%s\", a branch or tag ref: a job on that ref that names no environment skips the environment's reviewers", [v]) |
		some [op, vals] in subs
		some v in vals
		not lib.is_ref(v)
		count({1 | contains(lower(op), "like"); regex.match(`[*?]`, v)}) == 0
		regex.match(`:ref:refs/`, v)
	}) | {sprintf("trusts sub \"%s\", which is not a GitHub environment subject repo:<owner>/<repo>:environment:<name>", [v]) |
		some [op, vals] in subs
		some v in vals
		not lib.is_ref(v)
		count({1 | contains(lower(op), "like"); regex.match(`[*?]`, v)}) == 0
		not regex.match(`:ref:refs/`, v)
		not regex.match(`^repo:[^:/]+/[^:/]+:environment:[^:]+$`, v)
	}
	some problem in problems
	finding := {"address": st.address, "message": sprintf("%s %s", [st.where, problem])}
}

# A trust policy that admits GitHub's OIDC provider and also lets another principal assume the role (the account
# root, a user, a service, "*") offers a path to the same permissions that no GitHub environment reviews.
github_oidc_trust contains finding if {
	some [addr, attribute, _, value] in lib.policy_strings
	not lib.document_ref(value)
	parsed := lib.policy_json[value]
	is_object(parsed)
	statements := lib.as_list(object.get(parsed, "Statement", []))
	github := {f |
		some addr, p in lib.resources("aws_iam_openid_connect_provider")
		contains(lower(object.get(lib.values(p), "url", "")), "token.actions.githubusercontent.com")
		f := sprintf("${%s.", [addr])
	} | {"token.actions.githubusercontent.com"}
	count({i |
		some i, s in statements
		is_object(s)
		principal := object.get(s, "Principal", {})
		is_object(principal)
		some f in lib.strings(object.get(principal, "Federated", null))
		some mark in github
		contains(lower(f), lower(mark))
	}) > 0
	some i, o in statements
	is_object(o)
	object.get(o, "Effect", "Allow") == "Allow"
	count({a |
		some a in lib.strings(object.get(o, "Action", null))
		some target in ["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"]
		glob.match(lower(a), [], target)
	}) > 0
	principal := object.get(o, "Principal", {})
	others := {"*" | principal == "*"} | {sprintf("%s %s", [k, v]) |
		is_object(principal)
		some k, vs in principal
		some v in lib.strings(vs)
		count({1 | k == "Federated"; some mark in github; contains(lower(v), lower(mark))}) == 0
	}
	count(others) > 0
	finding := {
		"address": addr,
		"message": sprintf(
			"%s statement %s also lets %s assume the role: a path to its permissions that no GitHub environment reviews",
			[attribute, lib.statement_name(i, {"sid": object.get(o, "Sid", "")}), concat(", ", sort(others))],
		),
	}
}
