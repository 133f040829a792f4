# Credentials recognised by their value, whatever the key that holds them: known formats (AWS access keys, private
# keys, JSON web tokens, GitHub, Slack, Stripe and Google API tokens) and high-entropy tokens.
#
# False-positive stance: a high-entropy token is 20 or more characters of [A-Za-z0-9+/=_-] mixing lower case, upper
# case and digits with a Shannon entropy of at least 4.0 bits per character (measured on its first 64 characters).
# Hex strings (commit SHAs, image digests), ARNs, URLs, UUIDs and words do not qualify. A token that is base64 of
# text is judged by the text it decodes to (a base64 script is not a secret, a base64 private key is); base64 of
# binary (key material) is judged by its entropy, and so may an unusual identifier be: waive that one finding with
# waive(resource, { rule: 'CDX-SEC-004', reason }) next to the construct, rather than weakening the rule.
package credex.lib

credential_formats := {
	"an AWS access key id": `\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`,
	"an AWS secret access key": `(?i)aws.{0,20}(secret|sk).{0,20}[^A-Za-z0-9/+=][A-Za-z0-9/+=]{40}([^A-Za-z0-9/+=]|$)`,
	"a private key": `-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`,
	"a JSON web token": `\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
	"a GitHub token": `\b((ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`,
	"a Slack token": `\bxox[abposr]-[A-Za-z0-9-]{10,}`,
	"a Stripe secret key": `\b[rs]k_live_[A-Za-z0-9]{20,}`,
	"a Google API key": `\bAIza[A-Za-z0-9_-]{35}\b`,
	"a URI with a password": `\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@'"]*:[^\s/?#@'"$<{%][^\s/?#@'"]*@[^\s/?#'"]+`,
	"a NEO4J_AUTH user/password": `NEO4J_AUTH["']?\s*[=:]\s*["']?[^/\s"'$]+/[^\s"'$][^\s"']*`,
}

# Formats that need the name the value is held under: NEO4J_AUTH=neo4j/<password>, an AWS secret key under its name.
named_credential_kinds(name, value) := {"a NEO4J_AUTH user/password" |
	upper(name) == "NEO4J_AUTH"
	regex.match(`^[^/\s]+/[^\s$]\S*$`, value)
} | {"an AWS secret access key" |
	regex.match(`(?i)aws.{0,20}(secret|sk)`, name)
	regex.match(`^[A-Za-z0-9/+=]{40}$`, value)
}

# What kind of credential a literal text holds, by format or entropy; base64 tokens of text are judged by the text
# they decode to (one level).
credential_kinds(text) := (format_kinds(text) | entropy_kinds(text)) | {kind |
	is_string(text)
	some token in candidate_tokens(text)
	decoded := base64_text(token)
	some kind in (format_kinds(decoded) | entropy_kinds(decoded))
}

format_kinds(text) := {kind |
	is_string(text)
	some kind, pattern in credential_formats
	regex.match(pattern, text)
}

entropy_kinds(text) := {"a high-entropy token" |
	is_string(text)
	not regex.match(`^(arn:|https?://)`, text) # ARNs and URLs: paths of names, judged by format only
	some token in candidate_tokens(text)
	not base64_text(token)
	high_entropy(token)
}

# Runs of token characters; the dots, braces and spaces of "${...}" references end a run, so a reference's parts are
# judged like words (and do not mix classes the way a key does).
candidate_tokens(text) := {m[0] | some m in regex.find_all_string_submatch_n(`[A-Za-z0-9+/=_-]{20,}`, text, 50)}

high_entropy(token) if {
	regex.match(`[a-z]`, token)
	regex.match(`[A-Z]`, token)
	regex.match(`[0-9]`, token)
	not regex.match(`^[A-Za-z]+(-[A-Za-z0-9]+)*$`, token) # hyphenated words and identifiers
	entropy(substring(token, 0, 64)) >= 4.0
}

# Shannon entropy in bits per character: log2(n) - sum(c * log2(c)) / n over the counts c of each character.
entropy(s) := log2_table[n] - (sum([c_log2_c_table[c] | some ch in chars; c := count([x | some x in split(s, ""); x == ch])]) / n) if {
	chars := {ch | some ch in split(s, "")}
	n := count(split(s, ""))
	n > 0
	n <= 64
}

# c * log2(c) and log2(c) for c in 0..64 (a table: Rego has no logarithm).
c_log2_c_table := [0.000000, 0.000000, 2.000000, 4.754888, 8.000000, 11.609640, 15.509775, 19.651484, 24.000000, 28.529325, 33.219281, 38.053748, 43.019550, 48.105716, 53.302969, 58.603359, 64.000000, 69.486868, 75.058650, 80.710623, 86.438562, 92.238666, 98.107496, 104.041925, 110.039100, 116.096405, 122.211433, 128.381963, 134.605938, 140.881449, 147.206718, 153.580086, 160.000000, 166.465006, 172.973737, 179.524906, 186.117300, 192.749775, 199.421246, 206.130687, 212.877124, 219.659632, 226.477332, 233.329384, 240.214991, 247.133389, 254.083850, 261.065676, 268.078200, 275.120782, 282.192809, 289.293692, 296.422865, 303.579784, 310.763925, 317.974784, 325.211876, 332.474731, 339.762898, 347.075940, 354.413436, 361.774978, 369.160171, 376.568635, 384.000000]

log2_table := [0.000000, 0.000000, 1.000000, 1.584963, 2.000000, 2.321928, 2.584963, 2.807355, 3.000000, 3.169925, 3.321928, 3.459432, 3.584963, 3.700440, 3.807355, 3.906891, 4.000000, 4.087463, 4.169925, 4.247928, 4.321928, 4.392317, 4.459432, 4.523562, 4.584963, 4.643856, 4.700440, 4.754888, 4.807355, 4.857981, 4.906891, 4.954196, 5.000000, 5.044394, 5.087463, 5.129283, 5.169925, 5.209453, 5.247928, 5.285402, 5.321928, 5.357552, 5.392317, 5.426265, 5.459432, 5.491853, 5.523562, 5.554589, 5.584963, 5.614710, 5.643856, 5.672425, 5.700440, 5.727920, 5.754888, 5.781360, 5.807355, 5.832890, 5.857981, 5.882643, 5.906891, 5.930737, 5.954196, 5.977280, 6.000000]
