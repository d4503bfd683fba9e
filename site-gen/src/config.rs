//! Site settings (`site.toml` at the project root).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Absolute URL the site is published at, ending in `/` (may include a sub-path).
    pub base_url: String,
    /// Licence statement of the dataset and the site's own text, shown on the downloads page.
    #[serde(default)]
    pub licence: String,
    /// Version of the dataset, shown on the downloads page and in the exports.
    #[serde(default)]
    pub data_version: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            base_url: "http://localhost/".into(),
            licence: String::new(),
            data_version: String::new(),
        }
    }
}

impl SiteConfig {
    /// The path part of `base_url`, always starting and ending with `/` (`/` or `/sub/path/`).
    pub fn base_path(&self) -> String {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |x| x.1);
        let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let mut p = path.to_string();
        if !p.ends_with('/') {
            p.push('/');
        }
        p
    }

    /// Scheme and host of `base_url` (`https://host`): absolute URLs (sitemap, canonical,
    /// feeds) are this followed by a site path, which already starts with `base_path`.
    pub fn origin(&self) -> &str {
        // Everything before the path's first `/` (what `base_path` starts from), read in place:
        // absolute URLs are made tens of times per page.
        let url = self.base_url.as_str();
        let host_at = url.find("://").map_or(0, |i| i + 3);
        match url[host_at..].find('/') {
            Some(i) => &url[..host_at + i],
            None => url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(url: &str) -> SiteConfig {
        SiteConfig {
            base_url: url.into(),
            ..SiteConfig::default()
        }
    }

    #[test]
    fn base_path_of_root_and_sub_path() {
        assert_eq!(cfg("https://example.org/").base_path(), "/");
        assert_eq!(cfg("https://example.org").base_path(), "/");
        assert_eq!(cfg("https://host/sub/path/").base_path(), "/sub/path/");
        assert_eq!(cfg("https://host/sub/path").base_path(), "/sub/path/");
    }

    #[test]
    fn origin_leaves_out_the_path() {
        assert_eq!(cfg("https://example.org/").origin(), "https://example.org");
        assert_eq!(cfg("https://host/sub/path/").origin(), "https://host");
        assert_eq!(cfg("https://host/sub/path").origin(), "https://host");
        assert_eq!(cfg("https://example.org").origin(), "https://example.org");
        assert_eq!(cfg("https://host//").origin(), "https://host");
    }
}
