# Provider aliases and regions: an account-wide switch (EBS encryption by default, the default EBS key, registry
# scanning, instance metadata defaults) applies to one region, the region of the provider configuration it is
# created with. A switch under another region's provider (provider = aws.eu) does nothing for resources here.
#
# The normaliser gives each resource its provider configuration key ("aws", "aws.eu": the cdktf config keeps it in
# values.provider, a plan's configuration in provider_config_key) and the document the region of each key
# (input.providers); a region that is an expression is unknown, and then only the same key counts as the same region.
package credex.lib

provider_key(r) := p if {
	p := object.get(r, "provider", null)
	is_string(p)
	p != ""
} else := trim_suffix(trim_prefix(p, "${"), "}") if {
	p := object.get(values(r), "provider", null)
	is_string(p)
	p != ""
} else := "aws"

# The region of a provider key, or the key itself when the input does not say (or says it with an expression).
provider_region(key) := region if {
	region := object.get(object.get(input, "providers", {}), key, null)
	is_string(region)
	region != ""
	not is_ref(region)
} else := key

region_of(r) := provider_region(provider_key(r))

same_region(a, b) if region_of(a) == region_of(b)
