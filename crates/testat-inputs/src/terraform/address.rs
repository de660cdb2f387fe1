//! Terraform addresses: `module.net["a"].aws_security_group.web[0]`.

use std::ops::Range;

/// The first segment of references that do not name a managed resource.
const NOT_RESOURCES: &[&str] = &[
    "var",
    "local",
    "module",
    "data",
    "each",
    "count",
    "path",
    "terraform",
    "self",
    "ephemeral",
    "resource",
];

/// Byte ranges of the segments of an address, split at dots outside `[...]` and strings.
fn segments(address: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0usize);
    for (i, b) in address.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 => {
                out.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(start..address.len());
    out
}

/// The address without instance keys: `module.a["x"].aws_s3_bucket.b[0]` becomes
/// `module.a.aws_s3_bucket.b`.
pub(crate) fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for c in address.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The module instance a resource instance lives in (`module.a["x"]`, empty for the
/// root module) and the resource's own instance key (`0`, `"x"`) if it has one.
pub(crate) fn instance_parts(address: &str) -> (&str, Option<&str>) {
    let segments = segments(address);
    let count = segments.len();
    let resource_start = segments
        .get(count.saturating_sub(2))
        .map_or(0, |range| range.start);
    let module = address
        .get(..resource_start)
        .unwrap_or_default()
        .trim_end_matches('.');
    let last = segments.last().cloned().unwrap_or(0..0);
    let name = address.get(last).unwrap_or_default();
    let key = name.find('[').and_then(|at| name.get(at..));
    (module, key)
}

/// The resource a reference names, as `type.name`, or `None` for references to
/// variables, locals, modules, data sources and the like.
/// `aws_s3_bucket.logs.id`, `aws_s3_bucket.logs` and `aws_s3_bucket.logs[0]` all give
/// `aws_s3_bucket.logs`.
pub(crate) fn resource_reference(reference: &str) -> Option<String> {
    let mut parts = reference.split('.');
    let kind = parts.next()?;
    let name = parts.next()?.split('[').next()?;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if NOT_RESOURCES.contains(&kind) || !valid(kind) || !valid(name) {
        return None;
    }
    Some(format!("{kind}.{name}"))
}

/// The provider's short name: the last segment of `provider_name`
/// (`registry.terraform.io/hashicorp/aws` gives `aws`), or else the resource type's
/// prefix (`aws_s3_bucket` gives `aws`).
pub(crate) fn provider(provider_name: Option<&str>, kind: &str) -> String {
    let from_name = provider_name
        .and_then(|name| {
            name.trim_end_matches(['"', ']'])
                .rsplit(['/', '.', '"'])
                .next()
        })
        .filter(|s| !s.is_empty());
    match from_name {
        Some(name) => name.to_owned(),
        None => kind.split('_').next().unwrap_or(kind).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_addresses() {
        assert_eq!(
            config_address(r#"module.a["x"].aws_s3_bucket.b[0]"#),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(
            config_address(r#"module.a["x.y[1]"].aws_s3_bucket.b["k\"]"]"#),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(config_address("aws_s3_bucket.b"), "aws_s3_bucket.b");
    }

    #[test]
    fn instance_keys() {
        assert_eq!(instance_parts("aws_s3_bucket.b"), ("", None));
        assert_eq!(instance_parts("aws_s3_bucket.b[0]"), ("", Some("[0]")));
        assert_eq!(
            instance_parts(r#"module.a["x.y"].module.c.aws_s3_bucket.b["k"]"#),
            (r#"module.a["x.y"].module.c"#, Some(r#"["k"]"#))
        );
        assert_eq!(instance_parts("weird"), ("", None));
    }

    #[test]
    fn references() {
        assert_eq!(
            resource_reference("aws_s3_bucket.logs.id").as_deref(),
            Some("aws_s3_bucket.logs")
        );
        assert_eq!(
            resource_reference("aws_s3_bucket.logs[0]").as_deref(),
            Some("aws_s3_bucket.logs")
        );
        assert_eq!(
            resource_reference(r#"aws_s3_bucket.logs["a.b"].arn"#).as_deref(),
            Some("aws_s3_bucket.logs")
        );
        for not_resource in [
            "var.name",
            "local.tags",
            "module.net.vpc_id",
            "data.aws_iam_policy_document.p.json",
            "each.value",
            "count.index",
            "path.module",
            "terraform.workspace",
            "self.id",
            "aws_s3_bucket",
        ] {
            assert_eq!(resource_reference(not_resource), None, "{not_resource}");
        }
    }

    #[test]
    fn providers() {
        assert_eq!(
            provider(Some("registry.terraform.io/hashicorp/aws"), "aws_s3_bucket"),
            "aws"
        );
        assert_eq!(
            provider(
                Some("registry.terraform.io/tencentcloudstack/tencentcloud"),
                "x"
            ),
            "tencentcloud"
        );
        assert_eq!(provider(Some("aws"), "aws_s3_bucket"), "aws");
        assert_eq!(provider(Some("provider.aws"), "aws_s3_bucket"), "aws");
        assert_eq!(provider(None, "google_storage_bucket"), "google");
    }
}
