package credex.rules.iam

import data.credex.lib

# METADATA
# title: Write and sensitive actions are scoped to resources
# description: >-
#   Actions such as iam:PassRole, secretsmanager:GetSecretValue or ECS/ECR/EC2 writes on Resource "*"
#   (or NotResource) reach every resource of the account, unless a resource-tag condition (aws:ResourceTag/...,
#   ec2:CreateAction) narrows them. Only actions AWS cannot scope by resource may use "*": the Read and List
#   actions its service authorization reference defines without a resource type (generated into
#   policies/rego/credex/lib/unscopable_actions.rego) and the reviewed entries in policies/build/unscopable.ts.
#   An action pattern that can match a sensitive action is that action (iam:Pass* on role/*,
#   secretsmanager:GetSecret* on secret:*). In a resource policy Resource "*" is that resource, not every resource.
# scope: document
# custom:
#   id: CDX-IAM-003
#   severity: deny
#   remediation: >-
#     Name the resource ARNs (use references to the resources the construct owns), or move an unscopable
#     read action into its own statement on "*"; a write AWS cannot scope goes into policies/build/unscopable.ts
#     with its reason.
resource_star contains finding if {
	some [doc, i, s] in lib.allow_statements
	doc.kind != "trust"
	not lib.resource_policy_document(doc)
	not lib.resource_scoping_condition(s)
	scoped := lib.too_broad_actions(s)
	count(scoped) > 0
	finding := {
		"address": doc.address,
		"message": sprintf("%s allows %s on every resource (%s)", [lib.describe_statement(doc, i, s), concat(", ", scoped), lib.star_reason(s)]),
	}
}
