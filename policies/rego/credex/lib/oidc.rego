package credex.lib

# The aws_iam_openid_connect_provider resources for GitHub's token URL (computed once per document).
github_providers contains addr if {
	some addr, p in resources("aws_iam_openid_connect_provider")
	contains(lower(object.get(values(p), "url", "")), "token.actions.githubusercontent.com")
}

# A statement whose actions include sts:AssumeRoleWithWebIdentity (any case, any glob that matches it).
web_identity(actions) if {
	some action in actions
	glob.match(lower(action), [":"], "sts:assumerolewithwebidentity")
}
