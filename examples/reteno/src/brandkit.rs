//! Brand-kit extraction: palette, typography and voice from a public
//! storefront URL, as a long-running call that reports progress.
//!
//! The sandbox reads no web page. A few bundled demo storefronts have
//! hand-made kits; any other public URL gets a kit derived from its host name
//! through SHA-256, so the same URL always gives the same kit and different
//! URLs give different ones.

use mcp_tools::{ToolContext, ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::Account;
use crate::codes;

/// Arguments of `extract_brandkit`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtractBrandkitArgs {
    /// The storefront's public URL, starting with https:// (or http://): its home page or any page of it.
    #[schemars(length(max = 2000))]
    pub url: String,
}

/// A brand kit.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BrandKit {
    /// The URL the kit was extracted from.
    pub url: String,
    /// The storefront's host.
    pub host: String,
    /// The brand name as the storefront shows it.
    pub brand_name: String,
    /// Colours as #rrggbb.
    pub palette: Palette,
    /// Fonts.
    pub typography: Typography,
    /// How the brand writes.
    pub voice: Voice,
    /// demo (a bundled demo storefront) or derived.
    pub source: String,
}

/// A brand's colours.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Palette {
    /// Main brand colour: buttons, links.
    pub primary: String,
    /// Second colour: headers, highlights.
    pub secondary: String,
    /// Accent for badges and sales.
    pub accent: String,
    /// Page background.
    pub background: String,
    /// Body text.
    pub text: String,
}

/// A brand's fonts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Typography {
    /// Heading font family.
    pub heading_font: String,
    /// Body font family.
    pub body_font: String,
    /// Base body size in pixels.
    pub base_size_px: u32,
}

/// A brand's voice.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Voice {
    /// Three adjectives for the tone.
    pub tone: Vec<String>,
    /// One sentence on how to write for the brand.
    pub summary: String,
    /// Words the brand uses often.
    pub keywords: Vec<String>,
}

/// The stages of an extraction, in order, with their progress messages.
const STAGES: &[&str] = &[
    "loading the storefront",
    "collecting logo and imagery",
    "measuring the colour palette",
    "identifying fonts",
    "reading product copy for tone of voice",
    "assembling the brand kit",
];

const HEADING_FONTS: &[&str] = &[
    "Playfair Display",
    "Montserrat",
    "Poppins",
    "Oswald",
    "Lora",
    "Raleway",
    "DM Serif Display",
    "Archivo",
];
const BODY_FONTS: &[&str] = &[
    "Inter",
    "Open Sans",
    "Lato",
    "Source Sans 3",
    "Nunito",
    "Roboto",
    "Work Sans",
    "IBM Plex Sans",
];
const TONES: &[&str] = &[
    "warm",
    "playful",
    "confident",
    "minimal",
    "premium",
    "friendly",
    "bold",
    "calm",
    "witty",
    "earnest",
    "adventurous",
    "caring",
];

/// Checks the URL is a public http(s) storefront and returns it and its host.
fn storefront(url: &str) -> ToolResult<(String, String)> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            ToolError::invalid_parameter(format!(
                "{url:?} is not a web address; pass the storefront's URL starting with https://"
            ))
        })?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let labels: Vec<&str> = host.split('.').collect();
    let private = host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".internal")
        || (labels.len() == 4
            && labels
                .iter()
                .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())));
    if private {
        return Err(ToolError::new(
            codes::UNREACHABLE_STOREFRONT,
            format!(
                "{host} is not a public storefront (local names and IP addresses cannot be read); pass the shop's public URL"
            ),
        ));
    }
    let valid = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !valid {
        return Err(ToolError::invalid_parameter(format!(
            "{url:?} has no valid host name; pass a storefront URL such as https://shop.example.com"
        )));
    }
    Ok((url.to_owned(), host))
}

/// A bundled demo storefront with a hand-made kit.
struct DemoStorefront {
    host: &'static str,
    name: &'static str,
    /// Primary, secondary, accent, background, text.
    colours: [&'static str; 5],
    heading_font: &'static str,
    body_font: &'static str,
    base_size_px: u32,
    tone: [&'static str; 3],
    summary: &'static str,
    keywords: [&'static str; 4],
}

const DEMO_STOREFRONTS: &[DemoStorefront] = &[
    DemoStorefront {
        host: "northwind-coffee.example",
        name: "Northwind Coffee",
        colours: ["#4B2E1E", "#C8A27A", "#E4572E", "#FAF6F0", "#2B2B2B"],
        heading_font: "Playfair Display",
        body_font: "Lato",
        base_size_px: 16,
        tone: ["warm", "crafted", "welcoming"],
        summary: "Talk like a barista who knows your order: short sentences, sensory words, no hype.",
        keywords: ["roast", "origin", "brew", "morning"],
    },
    DemoStorefront {
        host: "lumen-skincare.example",
        name: "Lumen Skincare",
        colours: ["#1F3A5F", "#A7C7E7", "#F4B6C2", "#FFFFFF", "#1C1C1C"],
        heading_font: "DM Serif Display",
        body_font: "Inter",
        base_size_px: 15,
        tone: ["calm", "clinical", "caring"],
        summary: "Explain what each ingredient does in plain words; reassure, never promise miracles.",
        keywords: ["hydration", "gentle", "dermatologist", "routine"],
    },
    DemoStorefront {
        host: "trailhead-outfitters.example",
        name: "Trailhead Outfitters",
        colours: ["#2F5D3A", "#D9A441", "#E85D04", "#F5F1E6", "#222222"],
        heading_font: "Oswald",
        body_font: "Source Sans 3",
        base_size_px: 16,
        tone: ["adventurous", "practical", "bold"],
        summary: "Write like a trail guide: direct, practical, excited about the next weekend outside.",
        keywords: ["trail", "gear", "weatherproof", "summit"],
    },
];

fn demo_kit(host: &str) -> Option<(String, Palette, Typography, Voice)> {
    let demo = DEMO_STOREFRONTS.iter().find(|d| d.host == host)?;
    let [primary, secondary, accent, background, text] = demo.colours.map(String::from);
    Some((
        demo.name.to_owned(),
        Palette {
            primary,
            secondary,
            accent,
            background,
            text,
        },
        Typography {
            heading_font: demo.heading_font.into(),
            body_font: demo.body_font.into(),
            base_size_px: demo.base_size_px,
        },
        Voice {
            tone: demo.tone.map(String::from).to_vec(),
            summary: demo.summary.into(),
            keywords: demo.keywords.map(String::from).to_vec(),
        },
    ))
}

/// A colour from a hue and fixed saturation and lightness, as #rrggbb.
fn hsl(hue: f64, saturation: f64, lightness: f64) -> String {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = (hue % 360.0) / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02X}{:02X}{:02X}", byte(r), byte(g), byte(b))
}

/// A kit derived from the host name: the same host always gives the same kit.
fn derived_kit(host: &str) -> (String, Palette, Typography, Voice) {
    let digest = Sha256::digest(host.as_bytes());
    let hue = f64::from(u16::from_be_bytes([digest[0], digest[1]]) % 360);
    let pick = |list: &[&str], byte: u8| list[usize::from(byte) % list.len()].to_owned();
    let words: Vec<String> = host
        .split(['.', '-'])
        .filter(|w| {
            w.len() > 2 && !["www", "shop", "store", "com", "net", "org", "example"].contains(w)
        })
        .map(str::to_owned)
        .collect();
    let brand_name = if words.is_empty() {
        host.split('.').next().unwrap_or(host).to_owned()
    } else {
        words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect::<Vec<String>>()
            .join(" ")
    };
    let mut tone = Vec::new();
    for b in &digest[4..] {
        let t = pick(TONES, *b);
        if !tone.contains(&t) {
            tone.push(t);
        }
        if tone.len() == 3 {
            break;
        }
    }
    let summary = format!(
        "Write for {brand_name} in a {} and {} way, {} without overselling.",
        tone[0],
        tone.get(1).map_or("clear", String::as_str),
        tone.get(2).map_or("direct", String::as_str)
    );
    (
        brand_name,
        Palette {
            primary: hsl(hue, 0.65, 0.38),
            secondary: hsl(hue + 30.0 + f64::from(digest[2] % 60), 0.45, 0.62),
            accent: hsl(hue + 180.0, 0.75, 0.52),
            background: hsl(hue, 0.30, 0.97),
            text: hsl(hue, 0.15, 0.15),
        },
        Typography {
            heading_font: pick(HEADING_FONTS, digest[3]),
            body_font: pick(BODY_FONTS, digest[4]),
            base_size_px: 14 + u32::from(digest[5] % 3),
        },
        Voice {
            tone,
            summary,
            keywords: words,
        },
    )
}

impl Account {
    /// `extract_brandkit`: runs for the configured duration in stages,
    /// reporting progress after each, and stops early when cancelled.
    pub async fn extract_brandkit(
        &self,
        cx: &ToolContext,
        args: ExtractBrandkitArgs,
    ) -> ToolResult<BrandKit> {
        let (url, host) = storefront(&args.url)?;
        let total = STAGES.len() as f64;
        let stage_time = self.settings().brandkit_duration / STAGES.len() as u32;
        for (n, stage) in STAGES.iter().enumerate() {
            cx.progress(n as f64, Some(total), Some(stage));
            tokio::select! {
                () = tokio::time::sleep(stage_time) => {}
                () = cx.cancelled() => {
                    return Err(ToolError::new(
                        mcp_tools::ErrorCode::CANCELLED,
                        format!("brand-kit extraction of {host} was cancelled while {stage}"),
                    ));
                }
            }
        }
        cx.progress(total, Some(total), Some("done"));
        let (kit, source) = match demo_kit(&host) {
            Some(kit) => (kit, "demo"),
            None => (derived_kit(&host), "derived"),
        };
        let (brand_name, palette, typography, voice) = kit;
        Ok(BrandKit {
            url,
            host,
            brand_name,
            palette,
            typography,
            voice,
            source: source.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_kits_follow_the_host() {
        assert_eq!(
            storefront("https://www.Shop.Example.com/sale?x=1")
                .map(|s| s.1)
                .ok(),
            Some("shop.example.com".into())
        );
        assert!(storefront("ftp://shop.example.com").is_err());
        assert!(storefront("http://localhost:3000").is_err());
        assert!(storefront("http://10.0.0.1").is_err());
        let a = derived_kit("acme-boots.com");
        let b = derived_kit("acme-boots.com");
        let c = derived_kit("zen-tea.co");
        assert_eq!(a.1.primary, b.1.primary);
        assert_ne!(a.1.primary, c.1.primary);
        assert_eq!(a.0, "Acme Boots");
        assert_eq!(hsl(0.0, 1.0, 0.5), "#FF0000");
    }
}
