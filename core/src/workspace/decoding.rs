//! A tab's payload decoders, kept in step with its profile's decoding
//! settings: rule edits rebuild the table at once (no disk), a change of
//! schema paths asks the window to load them off the UI thread, and the
//! outcome — schemas, or the error naming `file:line:col` — is kept to show.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::decoders::sparkplug;
use crate::decoders::{Decoded, DecoderSettings, PayloadDecoders, ProtoSchemas, SchemaError};

/// Most Sparkplug nodes and devices whose aliases are remembered.
const ALIAS_OWNERS_LIMIT: usize = 10_000;

/// Sparkplug aliases from the births seen, per node or device, so charts
/// and diffs can name the metrics data messages send by alias only.
#[derive(Debug, Clone, Default)]
struct SparkplugAliases {
    owners: HashMap<(String, String, Option<String>), HashMap<u64, String>>,
}

impl SparkplugAliases {
    /// Reads a birth's aliases; anything else costs a string check.
    fn observe(&mut self, topic: &str, payload: &[u8]) {
        if !topic.starts_with("spBv1.0/") || !(topic.contains("/NBIRTH/") || topic.contains("/DBIRTH/")) {
            return;
        }
        let (Some(parsed), Ok(birth)) = (sparkplug::parse_topic(topic), sparkplug::decode_payload(payload)) else {
            return;
        };
        let key = (parsed.group, parsed.node, parsed.device);
        if !self.owners.contains_key(&key) && self.owners.len() >= ALIAS_OWNERS_LIMIT {
            return;
        }
        // A birth replaces what the last one defined.
        let aliases = birth.metrics.iter().filter_map(|metric| Some((metric.alias?, metric.name.clone()?))).collect();
        self.owners.insert(key, aliases);
    }

    /// The metric names a data message's aliases stand for.
    fn names(&self, topic: &str) -> Option<&HashMap<u64, String>> {
        let parsed = sparkplug::parse_topic(topic)?;
        self.owners.get(&(parsed.group, parsed.node, parsed.device))
    }
}

/// A tab's decoders and the state of their schemas.
#[derive(Debug, Clone)]
pub struct TabDecoding {
    decoders: PayloadDecoders,
    /// The settings `decoders` were built from.
    applied: Option<DecoderSettings>,
    /// The schema paths `schemas` were loaded from.
    schemas_for: Option<Vec<PathBuf>>,
    schemas: Arc<ProtoSchemas>,
    /// Paths being loaded now.
    loading: Option<Vec<PathBuf>>,
    /// Why the last load failed.
    error: Option<SchemaError>,
    /// Changes whenever the decoders do (for caches of decoded previews).
    generation: u64,
    /// Sparkplug aliases from the births this tab received.
    aliases: SparkplugAliases,
}

impl Default for TabDecoding {
    /// The default rules (Sparkplug B built in) until the first sync.
    fn default() -> Self {
        Self {
            decoders: PayloadDecoders::with_shared(&DecoderSettings::default(), Arc::default()),
            applied: None,
            schemas_for: None,
            schemas: Arc::default(),
            loading: None,
            error: None,
            generation: 0,
            aliases: SparkplugAliases::default(),
        }
    }
}

impl TabDecoding {
    /// The decoders in force.
    pub fn decoders(&self) -> &PayloadDecoders {
        &self.decoders
    }

    /// Changes whenever the decoders change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Why the schemas did not load, if they did not.
    pub fn error(&self) -> Option<&SchemaError> {
        self.error.as_ref()
    }

    /// Schemas are being loaded.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Notes what a received message tells the decoders (Sparkplug births
    /// name the aliases later data messages use).
    pub fn observe(&mut self, topic: &str, payload: &[u8]) {
        self.aliases.observe(topic, payload);
    }

    /// A payload as charts and diffs read it: the decoded form as JSON text
    /// when a rule decodes it, else the bytes. A Sparkplug payload's JSON
    /// also gets `values`: each live metric's value by name, aliases
    /// resolved from the births seen, so `/values/Temperature` charts one
    /// metric whatever order or form the data messages send it in.
    pub fn comparable<'a>(&self, topic: &str, payload: &'a [u8]) -> Cow<'a, [u8]> {
        match self.decoders.decode(topic, payload) {
            Decoded::Sparkplug(decoded) => {
                let names = self.aliases.names(topic);
                let mut values = serde_json::Map::new();
                for metric in decoded.metrics.iter().filter(|metric| !metric.is_historical) {
                    let name = metric.name.clone().or_else(|| {
                        let alias = metric.alias?;
                        names?.get(&alias).cloned()
                    });
                    if let Some(name) = name {
                        values.insert(name, metric.value.to_json());
                    }
                }
                let mut json = decoded.to_json();
                if let Some(object) = json.as_object_mut() {
                    object.insert("values".into(), serde_json::Value::Object(values));
                }
                Cow::Owned(json.to_string().into_bytes())
            }
            decoded => match decoded.json() {
                Some(value) => Cow::Owned(value.to_string().into_bytes()),
                None => Cow::Borrowed(payload),
            },
        }
    }

    /// Brings the decoders in step with `settings`; returns schema paths
    /// the caller must load (off the UI thread) and hand to
    /// [`TabDecoding::schemas_loaded`].
    pub fn sync(&mut self, settings: &DecoderSettings) -> Option<Vec<PathBuf>> {
        let paths = &settings.proto_paths;
        let mut load = None;
        if self.schemas_for.as_ref() != Some(paths) && self.loading.as_ref() != Some(paths) {
            if paths.is_empty() {
                self.schemas = Arc::default();
                self.schemas_for = Some(Vec::new());
                self.error = None;
                self.loading = None;
                self.applied = None;
            } else {
                self.loading = Some(paths.clone());
                load = Some(paths.clone());
            }
        }
        if self.applied.as_ref() != Some(settings) {
            self.decoders = PayloadDecoders::with_shared(settings, self.schemas.clone());
            self.applied = Some(settings.clone());
            self.generation += 1;
        }
        load
    }

    /// Loads the schemas again from disk (files edited since).
    pub fn reload(&mut self) {
        self.schemas_for = None;
        self.loading = None;
    }

    /// The outcome of loading `paths`; ignored when the settings moved on.
    pub fn schemas_loaded(&mut self, paths: &[PathBuf], result: Result<ProtoSchemas, SchemaError>) {
        if self.loading.as_deref() != Some(paths) {
            return;
        }
        self.loading = None;
        self.schemas_for = Some(paths.to_vec());
        match result {
            Ok(schemas) => {
                self.schemas = Arc::new(schemas);
                self.error = None;
            }
            Err(error) => {
                // Rules that need no schema keep working.
                self.schemas = Arc::default();
                self.error = Some(error);
            }
        }
        // Rebuilt on the next sync with the new schemas.
        self.applied = None;
    }
}

impl super::Workspace {
    /// Brings every tab's decoders in step with its profile; returns the
    /// schema loads to start (off the UI thread), by tab.
    pub fn sync_decoders(&mut self) -> Vec<(crate::ids::TabId, Vec<PathBuf>)> {
        self.tabs
            .iter_mut()
            .filter_map(|tab| tab.decoding.sync(&tab.profile.decoding).map(|paths| (tab.id, paths)))
            .collect()
    }

    /// A schema load finished for `tab`.
    pub fn schemas_loaded(
        &mut self,
        tab: crate::ids::TabId,
        paths: &[PathBuf],
        result: Result<ProtoSchemas, SchemaError>,
    ) {
        if let Some(tab) = self.tabs.iter_mut().find(|candidate| candidate.id == tab) {
            tab.decoding.schemas_loaded(paths, result);
        }
    }
}

impl super::Workspace {
    /// A message's payload as charts and diffs read it: its decoded form as
    /// JSON text when the tab's rules decode it, else the bytes.
    pub fn comparable_payload<'a>(
        &self,
        tab: crate::ids::TabId,
        topic: &str,
        payload: &'a [u8],
    ) -> std::borrow::Cow<'a, [u8]> {
        match self.tab(tab) {
            Some(tab) => tab.decoding.comparable(topic, payload),
            None => std::borrow::Cow::Borrowed(payload),
        }
    }
}

impl super::Workspace {
    /// Every tab's decoders, for an export to write the decoded forms.
    pub fn export_decoders(&self) -> crate::export::ExportDecoders {
        self.tabs.iter().map(|tab| (tab.id, tab.decoding.decoders().clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decoders::{Decoded, DecoderRule, PayloadDecoder};

    #[test]
    fn rule_edits_apply_at_once_and_schema_paths_are_loaded_once() {
        let mut decoding = TabDecoding::default();
        let mut settings = DecoderSettings::default();
        assert_eq!(decoding.sync(&settings), None, "no schemas: nothing to load");
        let first = decoding.generation();
        settings.rules.push(DecoderRule::new("a/#", PayloadDecoder::Json));
        assert_eq!(decoding.sync(&settings), None);
        assert!(decoding.generation() > first);
        assert!(matches!(decoding.decoders().decode("a/b", b"[1]"), Decoded::Json(_)));

        settings.proto_paths.push("/nowhere/schemas".into());
        assert_eq!(decoding.sync(&settings), Some(vec![PathBuf::from("/nowhere/schemas")]));
        assert_eq!(decoding.sync(&settings), None, "asked once while loading");
        assert!(decoding.is_loading());
        let error = SchemaError::Read { path: "/nowhere/schemas".into(), reason: "gone".into() };
        decoding.schemas_loaded(&settings.proto_paths, Err(error.clone()));
        assert_eq!(decoding.sync(&settings), None, "a failure is not retried on its own");
        assert_eq!(decoding.error(), Some(&error));
        assert!(matches!(decoding.decoders().decode("a/b", b"[1]"), Decoded::Json(_)), "other rules still work");
        decoding.reload();
        assert!(decoding.sync(&settings).is_some(), "reload asks again");
        // A late answer for paths no longer wanted is dropped.
        settings.proto_paths.clear();
        decoding.sync(&settings);
        decoding.schemas_loaded(&[PathBuf::from("/nowhere/schemas")], Err(error));
        assert_eq!(decoding.error(), None);
    }
}
