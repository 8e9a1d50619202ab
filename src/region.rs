//! Regional hosts (spec §1.2). Each app lives in one region; its admin API
//! is served by that region's host, with a backup host where one exists.

use serde::{Deserialize, Serialize};

/// A Tencent Cloud IM data-centre region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Region {
    /// China: `console.tim.qq.com`.
    China,
    /// Singapore: `adminapisgp.im.qcloud.com`.
    Singapore,
    /// Seoul: `adminapikr.im.qcloud.com`.
    Seoul,
    /// Frankfurt: `adminapiger.im.qcloud.com`.
    Frankfurt,
    /// Mumbai ("India" in older docs): `adminapiind.im.qcloud.com`.
    Mumbai,
    /// Silicon Valley: `adminapiusa.im.qcloud.com`.
    SiliconValley,
    /// Jakarta: `adminapiidn.im.qcloud.com`.
    Jakarta,
    /// Tokyo: `adminapijpn.im.qcloud.com` (no backup host known).
    Tokyo,
    /// Riyadh: `adminapiksa.im.qcloud.com` (no backup host known).
    Riyadh,
}

impl Region {
    /// Every region, in the order of the spec's table.
    pub const ALL: [Region; 9] = [
        Region::China,
        Region::Singapore,
        Region::Seoul,
        Region::Frankfurt,
        Region::Mumbai,
        Region::SiliconValley,
        Region::Jakarta,
        Region::Tokyo,
        Region::Riyadh,
    ];

    /// The name used in options (`"siliconValley"`), as serde writes it.
    pub fn name(self) -> &'static str {
        match self {
            Region::China => "china",
            Region::Singapore => "singapore",
            Region::Seoul => "seoul",
            Region::Frankfurt => "frankfurt",
            Region::Mumbai => "mumbai",
            Region::SiliconValley => "siliconValley",
            Region::Jakarta => "jakarta",
            Region::Tokyo => "tokyo",
            Region::Riyadh => "riyadh",
        }
    }

    /// The primary admin-API host.
    pub fn host(self) -> &'static str {
        match self {
            Region::China => "console.tim.qq.com",
            Region::Singapore => "adminapisgp.im.qcloud.com",
            Region::Seoul => "adminapikr.im.qcloud.com",
            Region::Frankfurt => "adminapiger.im.qcloud.com",
            Region::Mumbai => "adminapiind.im.qcloud.com",
            Region::SiliconValley => "adminapiusa.im.qcloud.com",
            Region::Jakarta => "adminapiidn.im.qcloud.com",
            Region::Tokyo => "adminapijpn.im.qcloud.com",
            Region::Riyadh => "adminapiksa.im.qcloud.com",
        }
    }

    /// The backup host (for networks whose DNS misroutes the primary).
    pub fn backup_host(self) -> Option<&'static str> {
        match self {
            Region::China => Some("adminapi.my-imcloud.com"),
            Region::Singapore => Some("adminapisgp.my-imcloud.com"),
            Region::Seoul => Some("adminapikr.my-imcloud.com"),
            Region::Frankfurt => Some("adminapiger.my-imcloud.com"),
            Region::Mumbai => Some("adminapiind.my-imcloud.com"),
            Region::SiliconValley => Some("adminapiusa.my-imcloud.com"),
            Region::Jakarta => Some("adminapiidn.my-imcloud.com"),
            Region::Tokyo | Region::Riyadh => None,
        }
    }

    /// `https://{host}`, the base URL of the region's API.
    pub fn base_url(self) -> String {
        format!("https://{}", self.host())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_a_distinct_https_host() {
        let hosts: std::collections::HashSet<_> = Region::ALL.iter().map(|r| r.host()).collect();
        assert_eq!(hosts.len(), Region::ALL.len());
        assert_eq!(
            Region::Singapore.base_url(),
            "https://adminapisgp.im.qcloud.com"
        );
        assert_eq!(Region::Tokyo.backup_host(), None);
        assert_eq!(
            serde_json::to_string(&Region::SiliconValley).unwrap(),
            "\"siliconValley\""
        );
        for r in Region::ALL {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.name())
            );
        }
    }
}
