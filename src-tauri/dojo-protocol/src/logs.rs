//! Reading `Logs` back whatever the values were: JSON has no NaN or
//! infinity, so `serde_json` writes a diverged loss as `null`; reading
//! `null` back as NaN keeps such a run's events, stored epochs and detail
//! readable instead of failing on its most telling value.

use serde::{Deserialize, Deserializer};

use crate::Logs;

/// `deserialize_with` for a `Logs` field.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Logs, D::Error> {
    let raw = std::collections::BTreeMap::<String, Option<f64>>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|(key, value)| (key, value.unwrap_or(f64::NAN)))
        .collect())
}

/// `deserialize_with` for a `Vec<Logs>` field.
pub fn deserialize_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Logs>, D::Error> {
    let raw = Vec::<std::collections::BTreeMap<String, Option<f64>>>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|logs| {
            logs.into_iter()
                .map(|(key, value)| (key, value.unwrap_or(f64::NAN)))
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diverged_loss_survives_the_round_trip_as_nan() {
        let logs = Logs::from([("loss".to_owned(), f64::NAN), ("mae".to_owned(), 2.5)]);
        let json = serde_json::to_string(&logs).unwrap_or_default();
        assert_eq!(json, r#"{"loss":null,"mae":2.5}"#);
        let back = deserialize(&mut serde_json::Deserializer::from_str(&json)).unwrap_or_default();
        assert!(back["loss"].is_nan());
        assert_eq!(back["mae"], 2.5);
        let event: crate::TrainingEvent = serde_json::from_str(
            r#"{"kind":"epoch","fit":1,"epoch":0,"epochs":1,"logs":{"loss":null},"elapsed_ms":0,"sent_at_ms":0}"#,
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert!(matches!(event, crate::TrainingEvent::Epoch { logs, .. } if logs["loss"].is_nan()));
    }
}
