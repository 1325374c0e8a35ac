//! The bundled datasets and the credit their licences ask for.
//!
//! The data itself lives under `assets/datasets/<id>/` with a `SOURCE.md`
//! (origin, licence, checksums). This table is what the About page shows; a
//! test keeps it in step with those files.

use dojo_protocol::DatasetAttribution;

struct Entry {
    id: &'static str,
    title: &'static str,
    creator: &'static str,
    licence: &'static str,
    source_url: &'static str,
    attribution: &'static str,
    changes: &'static str,
}

const ENTRIES: &[Entry] = &[
    Entry {
        id: "auto_mpg",
        title: "Auto MPG",
        creator: "R. Quinlan; StatLib, Carnegie Mellon University",
        licence: "CC BY 4.0",
        source_url: "https://archive.ics.uci.edu/dataset/9/auto+mpg",
        attribution: "Quinlan, R. (1993). Auto MPG [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5859H. Licensed under CC BY 4.0.",
        changes: "A CSV conversion with a header is bundled beside the untouched UCI files.",
    },
    Entry {
        id: "fashion_mnist",
        title: "Fashion-MNIST",
        creator: "Zalando SE (Xiao, Rasul, Vollgraf, 2017)",
        licence: "MIT",
        source_url: "https://github.com/zalandoresearch/fashion-mnist",
        attribution: "Copyright (c) 2017 Zalando SE, https://tech.zalando.com. Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files, to deal in the Software without restriction, under the terms of the MIT licence.",
        changes: "None: the original IDX files.",
    },
    Entry {
        id: "horses_or_humans",
        title: "Horses or Humans",
        creator: "Laurence Moroney",
        licence: "CC BY 2.0",
        source_url: "http://laurencemoroney.com/horses-or-humans-dataset",
        attribution: "Horses or Humans Dataset by Laurence Moroney (http://laurencemoroney.com/horses-or-humans-dataset), licensed under CC BY 2.0.",
        changes: "Images resized to 128x128 and re-encoded as JPEG.",
    },
    Entry {
        id: "sms_spam",
        title: "SMS Spam Collection",
        creator: "T. A. Almeida and J. M. Gómez Hidalgo",
        licence: "CC BY 4.0",
        source_url: "https://doi.org/10.24432/C5CC84",
        attribution: "SMS Spam Collection by T. A. Almeida and J. M. Gómez Hidalgo, UCI Machine Learning Repository (https://doi.org/10.24432/C5CC84), CC BY 4.0.",
        changes: "Converted from TSV to CSV; the original archive is bundled too.",
    },
    Entry {
        id: "monthly_sunspots",
        title: "Monthly mean total sunspot number",
        creator: "WDC-SILSO, Royal Observatory of Belgium, Brussels",
        licence: "CC BY-NC 4.0",
        source_url: "https://www.sidc.be/SILSO/",
        attribution: "Source: WDC-SILSO, Royal Observatory of Belgium, Brussels. Licensed under CC BY-NC 4.0 (https://creativecommons.org/licenses/by-nc/4.0/). Non-commercial use only. Zurich monthly sunspot numbers 1749-1983, Andrews & Herzberg (1985), via the Time Series Data Library. The hidden test months 2018-08 to 2025-06: SILSO's daily numbers via CelesTrak, https://celestrak.org/SpaceData/SW-All.txt.",
        changes: "Reformatted as date,value CSV; the course's Sunspots.csv layout is bundled too; the hidden months are monthly means of CelesTrak's daily values.",
    },
    Entry {
        id: "daily_min_temperatures",
        title: "Daily minimum temperatures, Melbourne 1981-1990",
        creator: "Australian Bureau of Meteorology",
        licence: "No formal licence found (widely redistributed teaching data)",
        source_url: "https://github.com/jbrownlee/Datasets",
        attribution: "Source: Australian Bureau of Meteorology, via the Time Series Data Library (R. J. Hyndman).",
        changes: "Reformatted as date,value CSV; the original layout is bundled too.",
    },
];

impl Entry {
    fn to_attribution(&self) -> DatasetAttribution {
        DatasetAttribution {
            id: self.id.to_owned(),
            title: self.title.to_owned(),
            creator: self.creator.to_owned(),
            licence: self.licence.to_owned(),
            source_url: self.source_url.to_owned(),
            attribution: self.attribution.to_owned(),
            changes: self.changes.to_owned(),
        }
    }
}

/// Every bundled dataset's credit, in the order the tasks use them.
pub fn attributions() -> Vec<DatasetAttribution> {
    ENTRIES.iter().map(Entry::to_attribution).collect()
}

/// The credit of one dataset.
pub fn attribution(id: &str) -> Option<DatasetAttribution> {
    ENTRIES
        .iter()
        .find(|entry| entry.id == id)
        .map(Entry::to_attribution)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn assets_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/datasets")
    }

    /// The table must agree with the SOURCE.md shipped beside each dataset.
    #[test]
    fn every_entry_matches_its_source_file() {
        for entry in ENTRIES {
            let path = assets_dir().join(entry.id).join("SOURCE.md");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
                .to_lowercase();
            let licence_tag = entry.licence.split_whitespace().take(2).collect::<Vec<_>>();
            assert!(
                licence_tag
                    .iter()
                    .all(|word| source.contains(&word.to_lowercase())),
                "{} does not mention licence {:?}",
                path.display(),
                entry.licence
            );
            let first_creator_word = entry
                .creator
                .split([' ', ',', ';', '('])
                .find(|word| word.len() > 3)
                .unwrap_or(entry.creator);
            assert!(
                source.contains(&first_creator_word.to_lowercase()),
                "{} does not mention creator {first_creator_word:?}",
                path.display()
            );
        }
    }

    #[test]
    fn every_bundled_folder_is_credited() {
        let mut folders: Vec<String> = std::fs::read_dir(assets_dir())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        let mut credited: Vec<String> = ENTRIES.iter().map(|entry| entry.id.to_owned()).collect();
        credited.sort();
        assert_eq!(folders, credited);
    }
}
