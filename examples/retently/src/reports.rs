//! Scores, monthly series, topic statistics, campaign reports and trend groups.

use mcp_tools::schemars::JsonSchema;
use mcp_tools::{ToolError, ToolResult};
use serde::{Deserialize, Serialize};

use crate::account::{Account, Channel, Interval, Metric, Sentiment, State, TrendGroup};
use crate::calendar::Window;
use crate::outbox::DeliveryStats;
use crate::scores::{self, Tally};

/// How many days get_score and get_report look back when no window is given.
pub const DEFAULT_SCORE_DAYS: i64 = 90;
/// How many days get_topic_stats looks back when no window is given.
pub const DEFAULT_TOPIC_DAYS: i64 = 30;

/// Arguments of get_score.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetScoreArgs {
    /// The metric to score. Defaults to the campaign's metric when campaignId is given, else NPS.
    pub metric: Option<Metric>,
    /// Only responses to this campaign (ids from list_campaigns).
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    /// The first day of the window, YYYY-MM-DD. Defaults to 89 days before `to`.
    pub from: Option<String>,
    /// The last day of the window, YYYY-MM-DD. Defaults to today.
    pub to: Option<String>,
}

/// An aggregate score over a window.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    /// The metric scored.
    pub metric: Metric,
    /// The campaign scored, or absent for every campaign of the metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<u64>,
    /// The first day counted.
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// The score; absent when the window holds no responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// How the score is computed.
    pub definition: String,
    /// Responses counted.
    pub responses: u32,
    /// Responses in the positive band (promoters, satisfied, easy).
    pub positive: u32,
    /// Responses in the middle band (passives).
    pub neutral: u32,
    /// Responses in the negative band (detractors, dissatisfied, hard).
    pub negative: u32,
    /// positive as a percent of responses.
    pub positive_percent: f64,
    /// neutral as a percent of responses.
    pub neutral_percent: f64,
    /// negative as a percent of responses.
    pub negative_percent: f64,
    /// The mean raw answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_answer: Option<f64>,
}

/// Arguments of get_monthly_stats.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetMonthlyStatsArgs {
    /// The metric. Defaults to the campaign's metric when campaignId is given, else NPS.
    pub metric: Option<Metric>,
    /// Only responses to this campaign.
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
}

/// One month of a series.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonthPoint {
    /// The month, YYYY-MM.
    pub month: String,
    /// The score that month; absent without responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Responses that month.
    pub responses: u32,
    /// Positive-band responses.
    pub positive: u32,
    /// Middle-band responses.
    pub neutral: u32,
    /// Negative-band responses.
    pub negative: u32,
}

/// A metric's last 12 complete months.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonthlyStats {
    /// The metric.
    pub metric: Metric,
    /// The campaign, or absent for all campaigns of the metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<u64>,
    /// How the score is computed.
    pub definition: String,
    /// Twelve months, oldest first, ending with the last complete month.
    pub months: Vec<MonthPoint>,
}

/// Arguments of get_topic_stats.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetTopicStatsArgs {
    /// The first day of the window, YYYY-MM-DD. Defaults to 29 days before `to`.
    pub from: Option<String>,
    /// The last day of the window, YYYY-MM-DD. Defaults to today.
    pub to: Option<String>,
    /// Only responses to campaigns of this metric.
    pub metric: Option<Metric>,
    /// Only responses to this campaign.
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
}

/// One topic's numbers in a window and the window before.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicStat {
    /// The topic.
    pub topic: String,
    /// Responses mentioning it.
    pub mentions: u32,
    /// Mentions as a percent of all responses in the window.
    pub share_percent: f64,
    /// Positive mentions.
    pub positive: u32,
    /// Neutral mentions.
    pub neutral: u32,
    /// Negative mentions.
    pub negative: u32,
    /// Positive minus negative mentions, as a percent of mentions (-100 to 100); absent without mentions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_sentiment: Option<f64>,
    /// Mentions in the window before.
    pub previous_mentions: u32,
    /// Change in mentions against the window before, in percent; absent when it had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mentions_change_percent: Option<f64>,
    /// Net sentiment in the window before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_net_sentiment: Option<f64>,
    /// netSentiment minus previousNetSentiment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_sentiment_change: Option<f64>,
}

/// Per-topic statistics.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopicStats {
    /// The first day counted.
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// The first day of the comparison window (same length, right before).
    pub previous_from: String,
    /// The last day of the comparison window.
    pub previous_to: String,
    /// Responses in the window.
    pub responses: u32,
    /// Every topic of the account, most mentioned first.
    pub topics: Vec<TopicStat>,
}

/// Arguments of get_report.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetReportArgs {
    /// One campaign (ids from list_campaigns); omit for every campaign.
    #[schemars(range(min = 1))]
    pub campaign_id: Option<u64>,
    /// The first day of the window, YYYY-MM-DD. Defaults to 89 days before `to`.
    pub from: Option<String>,
    /// The last day of the window, YYYY-MM-DD. Defaults to today.
    pub to: Option<String>,
}

/// One campaign's delivery and score.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignReport {
    /// The campaign.
    pub campaign_id: u64,
    /// Its name.
    pub name: String,
    /// Its metric.
    pub metric: Metric,
    /// Its channel; web campaigns send nothing, so their delivery numbers are zero.
    pub channel: Channel,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Delivery of its survey invitations in the window.
    pub delivery: DeliveryStats,
    /// Its score over the window.
    pub score: Score,
    /// Its last 12 complete months.
    pub trend: Vec<MonthPoint>,
}

/// Delivery and scores for one campaign or all.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The first day counted.
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// Delivery summed over the campaigns reported.
    pub delivery: DeliveryStats,
    /// One entry per campaign.
    pub campaigns: Vec<CampaignReport>,
}

/// Arguments of get_trends (none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct GetTrendsArgs {}

/// Arguments of get_trends_group.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetTrendsGroupArgs {
    /// The trend group id from get_trends; omit for the default group.
    #[schemars(range(min = 1))]
    pub trend_group_id: Option<u64>,
}

/// A trend group's configuration.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrendGroupView {
    /// The group id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The metric it charts.
    pub metric: Metric,
    /// The campaigns it combines.
    pub campaign_ids: Vec<u64>,
    /// One point per week or per month.
    pub interval: Interval,
    /// Whether it is the account's default group.
    pub is_default: bool,
    /// Whether charts compare against the period before.
    pub compare_previous: bool,
}

impl From<&TrendGroup> for TrendGroupView {
    fn from(g: &TrendGroup) -> Self {
        Self {
            id: g.id,
            name: g.name.clone(),
            metric: g.metric,
            campaign_ids: g.campaign_ids.clone(),
            interval: g.interval,
            is_default: g.is_default,
            compare_previous: g.compare_previous,
        }
    }
}

impl State {
    /// Settles the metric of a score request: the campaign's, unless a different one is asked for.
    pub fn score_metric(
        &self,
        metric: Option<Metric>,
        campaign_id: Option<u64>,
    ) -> ToolResult<Metric> {
        let Some(id) = campaign_id else {
            return Ok(metric.unwrap_or(Metric::Nps));
        };
        let campaign = self.campaign(id)?;
        match metric {
            Some(m) if m != campaign.metric => Err(ToolError::invalid_arguments(format!(
                "campaign {id} measures {}, not {}; drop metric or pick a {} campaign from list_campaigns",
                campaign.metric.name(),
                m.name(),
                m.name()
            ))),
            _ => Ok(campaign.metric),
        }
    }

    /// Tallies a metric's answers in a window, optionally for one campaign.
    pub fn tally(&self, metric: Metric, campaign_id: Option<u64>, window: &Window) -> Tally {
        Tally::of(
            metric,
            self.feedback
                .iter()
                .filter(|f| campaign_id.is_none_or(|id| f.campaign_id == id))
                .filter(|f| window.contains(f.created_at) && self.metric_of(f) == metric)
                .map(|f| f.score),
        )
    }

    /// A score over a window.
    pub fn score(&self, metric: Metric, campaign_id: Option<u64>, window: &Window) -> Score {
        let t = self.tally(metric, campaign_id, window);
        Score {
            metric,
            campaign_id,
            from: window.from.to_string(),
            to: window.to.to_string(),
            score: t.score(metric),
            definition: scores::definition(metric).into(),
            responses: t.count(),
            positive: t.positive,
            neutral: t.neutral,
            negative: t.negative,
            positive_percent: t.percent(t.positive),
            neutral_percent: t.percent(t.neutral),
            negative_percent: t.percent(t.negative),
            average_answer: t.average(),
        }
    }

    /// The last 12 complete calendar months, oldest first.
    pub fn months(&self, metric: Metric, campaign_id: Option<u64>) -> Vec<MonthPoint> {
        let this_month = self.today.month_start();
        (1..=12)
            .rev()
            .map(|back| {
                let from = this_month.add_months(-back);
                let window = Window {
                    from,
                    to: from.add_months(1).plus_days(-1),
                };
                let t = self.tally(metric, campaign_id, &window);
                MonthPoint {
                    month: from.month_key(),
                    score: t.score(metric),
                    responses: t.count(),
                    positive: t.positive,
                    neutral: t.neutral,
                    negative: t.negative,
                }
            })
            .collect()
    }
}

fn topic_counts(
    state: &State,
    window: &Window,
    metric: Option<Metric>,
    campaign_id: Option<u64>,
) -> (u32, std::collections::BTreeMap<String, [u32; 3]>) {
    let mut responses = 0;
    let mut counts: std::collections::BTreeMap<String, [u32; 3]> = state
        .topics
        .iter()
        .map(|t| (t.name.clone(), [0; 3]))
        .collect();
    for f in state
        .feedback
        .iter()
        .filter(|f| window.contains(f.created_at))
        .filter(|f| campaign_id.is_none_or(|id| f.campaign_id == id))
        .filter(|f| metric.is_none_or(|m| state.metric_of(f) == m))
    {
        responses += 1;
        for t in &f.topics {
            let slot = counts.entry(t.topic.clone()).or_default();
            let i = match t.sentiment {
                Sentiment::Positive => 0,
                Sentiment::Neutral => 1,
                Sentiment::Negative => 2,
            };
            slot[i] += 1;
        }
    }
    (responses, counts)
}

fn net(counts: [u32; 3]) -> Option<f64> {
    let total: u32 = counts.iter().sum();
    (total > 0).then(|| {
        scores::round(
            (f64::from(counts[0]) - f64::from(counts[2])) * 100.0 / f64::from(total),
            1,
        )
    })
}

impl Account {
    /// `get_score`: the aggregate score of a metric over a window (default: the last 90 days).
    pub fn get_score(&self, args: GetScoreArgs) -> ToolResult<Score> {
        let state = self.read();
        let metric = state.score_metric(args.metric, args.campaign_id)?;
        let window = Window::resolve(
            args.from.as_deref(),
            args.to.as_deref(),
            state.today,
            DEFAULT_SCORE_DAYS,
        )?;
        Ok(state.score(metric, args.campaign_id, &window))
    }

    /// `get_monthly_stats`: a metric's last 12 complete months.
    pub fn get_monthly_stats(&self, args: GetMonthlyStatsArgs) -> ToolResult<MonthlyStats> {
        let state = self.read();
        let metric = state.score_metric(args.metric, args.campaign_id)?;
        Ok(MonthlyStats {
            metric,
            campaign_id: args.campaign_id,
            definition: scores::definition(metric).into(),
            months: state.months(metric, args.campaign_id),
        })
    }

    /// `get_topic_stats`: per-topic volume and sentiment against the window before.
    pub fn get_topic_stats(&self, args: GetTopicStatsArgs) -> ToolResult<TopicStats> {
        let state = self.read();
        if let Some(id) = args.campaign_id {
            state.campaign(id)?;
        }
        let window = Window::resolve(
            args.from.as_deref(),
            args.to.as_deref(),
            state.today,
            DEFAULT_TOPIC_DAYS,
        )?;
        let previous = window.previous();
        let (responses, now) = topic_counts(&state, &window, args.metric, args.campaign_id);
        let (_, before) = topic_counts(&state, &previous, args.metric, args.campaign_id);
        let mut topics: Vec<TopicStat> = now
            .into_iter()
            .map(|(topic, counts)| {
                let old = before.get(&topic).copied().unwrap_or_default();
                let mentions: u32 = counts.iter().sum();
                let previous_mentions: u32 = old.iter().sum();
                TopicStat {
                    mentions,
                    share_percent: if responses == 0 {
                        0.0
                    } else {
                        scores::round(f64::from(mentions) * 100.0 / f64::from(responses), 1)
                    },
                    positive: counts[0],
                    neutral: counts[1],
                    negative: counts[2],
                    net_sentiment: net(counts),
                    previous_mentions,
                    mentions_change_percent: (previous_mentions > 0).then(|| {
                        scores::round(
                            (f64::from(mentions) - f64::from(previous_mentions)) * 100.0
                                / f64::from(previous_mentions),
                            1,
                        )
                    }),
                    previous_net_sentiment: net(old),
                    net_sentiment_change: scores::delta(net(counts), net(old)),
                    topic,
                }
            })
            .collect();
        topics.sort_by(|a, b| {
            b.mentions
                .cmp(&a.mentions)
                .then_with(|| a.topic.cmp(&b.topic))
        });
        Ok(TopicStats {
            from: window.from.to_string(),
            to: window.to.to_string(),
            previous_from: previous.from.to_string(),
            previous_to: previous.to.to_string(),
            responses,
            topics,
        })
    }

    /// `get_report`: delivery and score trend for one campaign or every campaign.
    pub fn get_report(&self, args: GetReportArgs) -> ToolResult<Report> {
        let state = self.read();
        let window = Window::resolve(
            args.from.as_deref(),
            args.to.as_deref(),
            state.today,
            DEFAULT_SCORE_DAYS,
        )?;
        let campaigns: Vec<_> = match args.campaign_id {
            Some(id) => vec![state.campaign(id)?],
            None => state.campaigns.iter().collect(),
        };
        let mut total = DeliveryStats::default();
        let reports = campaigns
            .into_iter()
            .map(|c| {
                let delivery = state.delivery(Some(c.id), Some(&window));
                total.add(&delivery);
                CampaignReport {
                    campaign_id: c.id,
                    name: c.name.clone(),
                    metric: c.metric,
                    channel: c.channel,
                    enabled: c.enabled,
                    delivery,
                    score: state.score(c.metric, Some(c.id), &window),
                    trend: state.months(c.metric, Some(c.id)),
                }
            })
            .collect();
        total.finish();
        Ok(Report {
            from: window.from.to_string(),
            to: window.to.to_string(),
            delivery: total,
            campaigns: reports,
        })
    }

    /// `get_trends`: the account's trend groups.
    pub fn get_trends(&self, _args: GetTrendsArgs) -> ToolResult<Vec<TrendGroupView>> {
        Ok(self
            .read()
            .trend_groups
            .iter()
            .map(TrendGroupView::from)
            .collect())
    }

    /// `get_trends_group`: one trend group's configuration, or the default group's.
    pub fn get_trends_group(&self, args: GetTrendsGroupArgs) -> ToolResult<TrendGroupView> {
        let state = self.read();
        let group = match args.trend_group_id {
            Some(id) => state.trend_groups.iter().find(|g| g.id == id).ok_or_else(|| {
                ToolError::not_found(format!(
                    "no trend group with id {id}; get_trends lists the groups, or omit trendGroupId for the default"
                ))
            })?,
            None => state
                .trend_groups
                .iter()
                .find(|g| g.is_default)
                .ok_or_else(|| ToolError::not_found("the account has no default trend group; pass trendGroupId from get_trends"))?,
        };
        Ok(group.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Feedback;
    use crate::calendar::{Date, Timestamp};
    use mcp_tools::serde_json::{from_value, json};

    fn window(from: &str, to: &str) -> Window {
        Window {
            from: Date::parse(from).expect("date"),
            to: Date::parse(to).expect("date"),
        }
    }

    /// A sandbox whose only feedback is the given (campaign, score, day) rows.
    fn account_with(rows: &[(u64, u8, &str)]) -> Account {
        let account = Account::sandbox();
        {
            let mut state = account.write();
            let template = state.feedback[0].clone();
            state.feedback = rows
                .iter()
                .enumerate()
                .map(|(i, (campaign_id, score, day))| Feedback {
                    id: i as u64 + 1,
                    campaign_id: *campaign_id,
                    score: *score,
                    topics: Vec::new(),
                    created_at: Date::parse(day).map_or(Timestamp(0), |d| d.start()),
                    ..template.clone()
                })
                .collect();
        }
        account
    }

    #[test]
    fn scores_follow_the_formulas_over_windows() {
        // Campaign 1 is NPS, 3 is CSAT, 5 is CES.
        let account = account_with(&[
            (1, 10, "2026-10-01"),
            (1, 9, "2026-10-02"),
            (1, 3, "2026-10-03"),
            (1, 8, "2026-10-04"),
            (1, 0, "2026-06-01"),
            (3, 5, "2026-10-10"),
            (3, 2, "2026-10-11"),
            (5, 7, "2026-10-12"),
            (5, 4, "2026-10-13"),
        ]);
        let nps = account.get_score(from_value(json!({})).unwrap()).unwrap();
        // Last 90 days: 10, 9, 3, 8 -> 50% - 25% = 25.
        assert_eq!((nps.score, nps.responses), (Some(25.0), 4));
        let all = account
            .get_score(from_value(json!({"from": "2026-01-01", "to": "2026-10-31"})).unwrap())
            .unwrap();
        // Adding the June 0: 2 promoters, 2 detractors of 5 -> 0.
        assert_eq!(all.score, Some(0.0));
        let csat = account
            .get_score(from_value(json!({"metric": "CSAT"})).unwrap())
            .unwrap();
        assert_eq!(csat.score, Some(50.0));
        let ces = account
            .get_score(from_value(json!({"campaignId": 5})).unwrap())
            .unwrap();
        assert_eq!((ces.metric, ces.score), (Metric::Ces, Some(5.5)));
        let narrow = account
            .get_score(from_value(json!({"from": "2026-10-02", "to": "2026-10-03"})).unwrap())
            .unwrap();
        assert_eq!(narrow.score, Some(0.0));
        let empty = account
            .get_score(from_value(json!({"from": "2020-01-01", "to": "2020-01-31"})).unwrap())
            .unwrap();
        assert_eq!((empty.score, empty.responses), (None, 0));
    }

    #[test]
    fn score_arguments_are_checked() {
        let account = Account::sandbox();
        let err = account
            .get_score(from_value(json!({"campaignId": 3, "metric": "NPS"})).unwrap())
            .unwrap_err();
        assert!(err.message().contains("measures CSAT"));
        let err = account
            .get_score(from_value(json!({"from": "2026-11-01", "to": "2026-10-01"})).unwrap())
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidArguments");
        let err = account
            .get_score(from_value(json!({"to": "31/10/2026"})).unwrap())
            .unwrap_err();
        assert_eq!(err.code().as_str(), "InvalidParameter");
    }

    #[test]
    fn monthly_stats_cover_twelve_complete_months() {
        let account = account_with(&[
            (1, 10, "2026-10-31"),
            (1, 0, "2025-11-01"),
            (1, 10, "2026-11-01"),
        ]);
        let stats = account
            .get_monthly_stats(from_value(json!({})).unwrap())
            .unwrap();
        assert_eq!(stats.months.len(), 12);
        assert_eq!(stats.months[0].month, "2025-11");
        assert_eq!(stats.months[11].month, "2026-10");
        assert_eq!(stats.months[0].score, Some(-100.0));
        assert_eq!(stats.months[11].score, Some(100.0));
        assert_eq!(stats.months[5].score, None);
    }

    #[test]
    fn topic_stats_compare_periods() {
        let account = Account::sandbox();
        let stats = account
            .get_topic_stats(from_value(json!({"from": "2026-10-01", "to": "2026-10-31"})).unwrap())
            .unwrap();
        assert_eq!(stats.previous_to, "2026-09-30");
        assert_eq!(stats.previous_from, "2026-08-31");
        assert_eq!(stats.topics.len(), 10);
        let w = window("2026-10-01", "2026-10-31");
        let state = account.read();
        let support = state
            .feedback
            .iter()
            .filter(|f| w.contains(f.created_at) && f.topics.iter().any(|t| t.topic == "Support"))
            .count() as u32;
        let reported = stats.topics.iter().find(|t| t.topic == "Support").unwrap();
        assert_eq!(reported.mentions, support);
        assert_eq!(
            reported.positive + reported.neutral + reported.negative,
            support
        );
    }

    #[test]
    fn reports_sum_delivery() {
        let account = Account::sandbox();
        let report = account.get_report(from_value(json!({})).unwrap()).unwrap();
        assert_eq!(report.campaigns.len(), 8);
        let sent: u32 = report.campaigns.iter().map(|c| c.delivery.sent).sum();
        assert_eq!(sent, report.delivery.sent);
        assert!(report.delivery.sent > 0);
        let one = account
            .get_report(from_value(json!({"campaignId": 2})).unwrap())
            .unwrap();
        assert_eq!(
            one.campaigns[0].delivery.sent, 0,
            "web campaigns send nothing"
        );
        assert!(one.campaigns[0].score.responses > 0);
    }

    #[test]
    fn trend_groups_default_and_lookup() {
        let account = Account::sandbox();
        assert_eq!(account.get_trends(GetTrendsArgs {}).unwrap().len(), 3);
        assert!(
            account
                .get_trends_group(GetTrendsGroupArgs::default())
                .unwrap()
                .is_default
        );
        let err = account
            .get_trends_group(GetTrendsGroupArgs {
                trend_group_id: Some(42),
            })
            .unwrap_err();
        assert_eq!(err.code().as_str(), "NotFound");
    }
}
