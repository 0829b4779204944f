//! Command-line arguments and the commands behind them.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand};
use settei_model::{Lang, Provider, Severity, Status};
use settei_report::{docs, table, Format, ReportInput};

/// Exit code: the scan found nothing at or above `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// Exit code: FAIL or ERROR findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: bad usage, bad input (rule, snapshot, config) or a failure to run.
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "settei",
    version,
    about = "Cloud configuration posture scanner mapped to the MIC cloud-settings guideline / 総務省クラウド設定ガイドライン準拠の設定診断ツール"
)]
#[command(
    after_help = "Exit codes: 0 = no FAIL/ERROR finding at or above --fail-on, 1 = such findings, 2 = usage or input error.\n終了コード: 0 = --fail-on 以上の不適合・評価不能なし、1 = あり、2 = 使い方または入力の誤り。"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More log output on stderr (-v info, -vv debug); SETTEI_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate the rules on a snapshot or a live account / スナップショットまたはアカウントを診断する
    Scan(Box<ScanArgs>),
    /// Collect settings into a snapshot without evaluating / 設定を収集してスナップショットに保存する
    #[command(subcommand)]
    Collect(CollectTarget),
    /// List or show rules / ルールの一覧・詳細
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the guideline's category table / ガイドラインの設定項目類型を表示する
    Guideline(LangArg),
    /// Render reports from a snapshot or a stored JSON report / スナップショットや保存済みの結果からレポートを作成する
    Report(Box<ReportCommand>),
    /// Check a directory of rules and report every problem / ルールディレクトリを検証する
    ValidateRules {
        /// The directory (laid over the embedded rules, as with --rules).
        dir: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct LangArg {
    /// Output language; defaults to Japanese under a Japanese locale, else English.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// One line per rule.
    List {
        #[command(flatten)]
        lang: LangArg,
        #[arg(long, value_parser = parse_provider)]
        provider: Option<Provider>,
        #[command(flatten)]
        rules: RulesArg,
    },
    /// Everything about one rule.
    Show {
        id: String,
        #[command(flatten)]
        lang: LangArg,
        #[command(flatten)]
        rules: RulesArg,
    },
}

#[derive(Args, Debug)]
pub struct RulesArg {
    /// Extra rule directory: adds rules and overrides embedded ones with the same id (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ScanArgs {
    /// Read a live account instead of a snapshot.
    #[command(subcommand)]
    pub target: Option<ScanTarget>,
    /// A snapshot written by `settei collect` (JSON).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Subcommand, Debug)]
pub enum ScanTarget {
    /// Collect an AWS account live, then evaluate / AWS アカウントを収集して診断する
    Aws {
        #[command(flatten)]
        aws: AwsArgs,
        /// Also save the collected snapshot to FILE.
        #[arg(long, value_name = "FILE")]
        save_snapshot: Option<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Collect an Azure subscription live, then evaluate / Azure サブスクリプションを収集して診断する
    Azure {
        #[command(flatten)]
        azure: AzureArgs,
        /// Also save the collected snapshot to FILE.
        #[arg(long, value_name = "FILE")]
        save_snapshot: Option<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum CollectTarget {
    /// Collect an AWS account's settings into a snapshot / AWS アカウントの設定を収集する
    Aws {
        #[command(flatten)]
        aws: AwsArgs,
        /// Where to write the snapshot (atomically).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Collect an Azure subscription's settings into a snapshot / Azure サブスクリプションの設定を収集する
    Azure {
        #[command(flatten)]
        azure: AzureArgs,
        /// Where to write the snapshot (atomically).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Args, Debug, Clone)]
pub struct AzureArgs {
    /// The subscription to read; may be left out when the credentials see
    /// exactly one.
    #[arg(long, value_name = "ID")]
    pub subscription: Option<String>,
    /// The tenant (directory) to sign in to.
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
    /// How to sign in: env (service principal from AZURE_TENANT_ID,
    /// AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), cli (`az account
    /// get-access-token`), workload-identity (AZURE_FEDERATED_TOKEN_FILE) or
    /// managed-identity (only when asked for). Default: env when its
    /// variables are set, then workload identity, else the Azure CLI.
    #[arg(long, value_parser = parse_auth)]
    pub auth: Option<settei_azure::AuthMethod>,
    /// Send every Resource Manager and Graph request to this base URL (same
    /// paths and queries); plain http:// only for a loopback host.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Attempts per API call, first included (429/5xx retried, Retry-After honoured).
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// Time limit per API call in seconds, retries included.
    #[arg(long, default_value_t = 60)]
    pub call_timeout: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

impl AzureArgs {
    fn options(&self) -> settei_azure::AzureOptions {
        settei_azure::AzureOptions {
            subscription: self.subscription.clone(),
            tenant: self.tenant.clone(),
            auth: self.auth,
            endpoint_url: self.endpoint_url.clone(),
            max_attempts: self.max_attempts.max(1),
            call_timeout: std::time::Duration::from_secs(self.call_timeout.max(1)),
            concurrency: self.concurrency.max(1),
        }
    }
}

fn parse_auth(s: &str) -> Result<settei_azure::AuthMethod, String> {
    s.parse()
}

#[derive(Args, Debug, Clone)]
pub struct AwsArgs {
    /// Named profile from the shared AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to read (repeatable); default: every region enabled for the
    /// account. Rules about every region are ERROR (not_scanned) for the
    /// enabled regions left out.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Read every region enabled for the account (the default; kept for scripts).
    #[arg(long, conflicts_with = "regions", hide = true)]
    pub all_regions: bool,
    /// Send every call to this endpoint (e.g. a local emulator).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Assume this role before reading.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External id for --role-arn; better from SETTEI_AWS_EXTERNAL_ID (argv
    /// is visible in the process list), or from the profile (`external_id`
    /// beside `role_arn`).
    #[arg(
        long,
        value_name = "ID",
        env = "SETTEI_AWS_EXTERNAL_ID",
        hide_env_values = true
    )]
    pub external_id: Option<String>,
    /// Regions read at the same time.
    #[arg(long, default_value_t = 4)]
    pub region_concurrency: usize,
    /// Attempts per API call, first included (adaptive retry on throttling).
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// Time limit per API call in seconds, retries included.
    #[arg(long, default_value_t = 60)]
    pub call_timeout: u64,
}

#[derive(Args, Debug)]
pub struct ReportCommand {
    /// A snapshot to evaluate (JSON, from `settei collect`).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "input",
        required_unless_present = "input"
    )]
    pub snapshot: Option<PathBuf>,
    /// A stored scan: the JSON report of an earlier `settei scan --format json`.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Report format(s): table, json, html, md (handover), handover (print HTML),
    /// csv, sarif, ocsf, asff, junit. Repeat or comma-separate for several,
    /// each paired in order with an -o FILE.
    #[arg(long, value_delimiter = ',', value_parser = parse_format, default_value = "table")]
    pub format: Vec<Format>,
    /// Write the report to FILE (atomically) instead of stdout; one per --format.
    #[arg(short, long = "output", value_name = "FILE")]
    pub output: Vec<PathBuf>,
    #[command(flatten)]
    pub lang: LangArg,
    /// Only these severities (comma-separated: critical,high,medium,low,info).
    #[arg(long, value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,
    /// Only these guideline categories (comma-separated, e.g. 1,4.2).
    #[arg(long, value_delimiter = ',')]
    pub category: Vec<String>,
    /// Only these statuses (comma-separated: fail,error,muted,pass).
    #[arg(long, value_delimiter = ',', value_parser = parse_status)]
    pub status: Vec<Status>,
    /// List PASS findings in the table too.
    #[arg(long)]
    pub show_pass: bool,
    /// Exit 1 when a FAIL or ERROR finding has this severity or higher.
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Configuration file: rule parameters and accepted risks (mutes).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
}

impl AwsArgs {
    fn options(&self) -> settei_aws::AwsOptions {
        if self.external_id.is_some() && self.role_arn.is_none() {
            tracing::warn!("an external id without --role-arn is not used");
        }
        settei_aws::AwsOptions {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            endpoint_url: self.endpoint_url.clone(),
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            region_concurrency: self.region_concurrency.max(1),
            max_attempts: self.max_attempts.max(1),
            operation_timeout: std::time::Duration::from_secs(self.call_timeout.max(1)),
            ..Default::default()
        }
    }
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}
fn parse_provider(s: &str) -> Result<Provider, String> {
    s.parse()
}
fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}
fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

impl LangArg {
    fn resolve(&self) -> Lang {
        self.lang.unwrap_or_else(|| {
            let var = |k| std::env::var(k).ok();
            let (all, messages, lang) = (var("LC_ALL"), var("LC_MESSAGES"), var("LANG"));
            Lang::from_locale([all.as_deref(), messages.as_deref(), lang.as_deref()])
        })
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => match (args.target, args.snapshot) {
            (
                Some(ScanTarget::Aws {
                    aws,
                    save_snapshot,
                    report,
                }),
                None,
            ) => scan_live(&aws.options(), save_snapshot, report),
            (
                Some(ScanTarget::Azure {
                    azure,
                    save_snapshot,
                    report,
                }),
                None,
            ) => scan_live(&azure.options(), save_snapshot, report),
            (None, Some(path)) => scan(args.report, Source::File(path)),
            _ => bail!("give either --snapshot FILE or a target such as `settei scan aws` or `settei scan azure`"),
        },
        Command::Collect(target) => {
            let (live, output): (Box<dyn crate::collect::Live>, PathBuf) = match target {
                CollectTarget::Aws { aws, output } => (Box::new(aws.options()), output),
                CollectTarget::Azure { azure, output } => (Box::new(azure.options()), output),
            };
            let snapshot = crate::collect::live(live.as_ref())?;
            crate::collect::write_snapshot(&output, &snapshot)?;
            eprintln!(
                "{}: {} resources, {} collection errors",
                output.display(),
                snapshot.resources.len(),
                snapshot.errors.len()
            );
            Ok(ExitCode::from(EXIT_OK))
        }
        Command::Rules(RulesCommand::List {
            lang,
            provider,
            rules,
        }) => {
            let catalog = crate::input::load_catalog(&rules.dirs)?;
            let lang = lang.resolve();
            let mut out = String::new();
            for r in catalog
                .rules
                .iter()
                .filter(|r| provider.is_none_or(|p| r.provider == p))
            {
                out.push_str(&format!(
                    "{:<22} {:<8} {:<4} {:<28} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.category,
                    r.kind,
                    r.title.get(lang)
                ));
            }
            crate::output::write(None, &out)?;
            Ok(ExitCode::from(EXIT_OK))
        }
        Command::Rules(RulesCommand::Show { id, lang, rules }) => {
            let catalog = crate::input::load_catalog(&rules.dirs)?;
            let lang = lang.resolve();
            let Some(r) = catalog.rule(&id) else {
                bail!("no rule `{id}` (see `settei rules list`)")
            };
            let cat = catalog.guideline.category(&r.category).expect("validated");
            let labels = match lang {
                Lang::Ja => [
                    "深刻度",
                    "類型",
                    "対象",
                    "対策",
                    "参照",
                    "リスク",
                    "対処",
                    "条件",
                    "パラメータ",
                ],
                Lang::En => [
                    "Severity",
                    "Category",
                    "Kind",
                    "Measures",
                    "References",
                    "Risk",
                    "Remediation",
                    "Condition",
                    "Parameters",
                ],
            };
            let mut out = format!("{}  {}\n\n", r.id, r.title.get(lang));
            out.push_str(&format!("{}: {}\n", labels[0], r.severity.label(lang)));
            out.push_str(&format!(
                "{}: {} {}\n",
                labels[1],
                cat.id,
                cat.name.get(lang)
            ));
            out.push_str(&format!("{}: {}\n", labels[2], r.kind));
            out.push_str(&format!("{}: {}\n", labels[3], r.measures.join(", ")));
            out.push_str(&format!("{}: {}\n\n", labels[4], r.references.join(", ")));
            out.push_str(&format!(
                "{}:\n  {}\n\n",
                labels[5],
                r.risk.get(lang).trim()
            ));
            let rem = match lang {
                Lang::Ja => &r.remediation.ja,
                Lang::En => &r.remediation.en,
            };
            out.push_str(&format!("{}:\n  {}\n", labels[6], rem.trim()));
            if let Some(cli) = &r.remediation.cli {
                out.push_str(&format!("  $ {}\n", cli.trim()));
            }
            if !r.params.is_empty() {
                out.push_str(&format!("\n{}:\n", labels[8]));
                for (k, v) in &r.params {
                    let desc = r
                        .param_docs
                        .get(k)
                        .map(|p| p.description.get(lang).to_string())
                        .unwrap_or_default();
                    out.push_str(&format!("  {k} = {v}  ({desc})\n"));
                }
            }
            out.push_str(&format!("\n{}:\n  {}\n", labels[7], r.condition.trim()));
            crate::output::write(None, &out)?;
            Ok(ExitCode::from(EXIT_OK))
        }
        Command::Guideline(lang) => {
            let catalog = crate::input::load_catalog(&[])?;
            crate::output::write(
                None,
                &docs::guideline_text(&catalog.guideline, lang.resolve()),
            )?;
            Ok(ExitCode::from(EXIT_OK))
        }
        Command::Report(cmd) => {
            let ReportCommand {
                snapshot,
                input,
                report,
            } = *cmd;
            match (snapshot, input) {
                (Some(path), None) => scan(report, Source::File(path)),
                (None, Some(path)) => scan(report, Source::Stored(path)),
                _ => bail!("give either --snapshot FILE or --input REPORT.json"),
            }
        }
        Command::ValidateRules { dir } => {
            let catalog = crate::input::load_catalog(std::slice::from_ref(&dir))?;
            let n = settei_rules::catalog::read_dir_files(&dir)
                .map(|f| f.len())
                .unwrap_or(0);
            println!(
                "{}: {n} file(s) valid; {} rules in effect",
                dir.display(),
                catalog.rules.len()
            );
            Ok(ExitCode::from(EXIT_OK))
        }
    }
}

fn scan_live(
    target: &dyn crate::collect::Live,
    save_snapshot: Option<PathBuf>,
    report: ReportArgs,
) -> Result<ExitCode> {
    let snapshot = crate::collect::live(target)?;
    if let Some(path) = &save_snapshot {
        crate::collect::write_snapshot(path, &snapshot)?;
    }
    scan(report, Source::Collected(Box::new(snapshot)))
}

enum Source {
    File(PathBuf),
    Collected(Box<settei_model::Snapshot>),
    /// A JSON report: findings are re-filtered and re-rendered, not re-evaluated.
    Stored(PathBuf),
}

/// Pairs each format with its output file; one format may go to stdout.
fn outputs(args: &ReportArgs) -> Result<Vec<(Format, Option<PathBuf>)>> {
    match (args.format.len(), args.output.len()) {
        (1, 0) => Ok(vec![(args.format[0], None)]),
        (f, o) if f == o => Ok(args
            .format
            .iter()
            .copied()
            .zip(args.output.iter().cloned().map(Some))
            .collect()),
        (f, o) => bail!(
            "{f} format(s) but {o} output file(s): give one -o FILE per --format (only a single format may go to stdout)"
        ),
    }
}

fn scan(args: ReportArgs, source: Source) -> Result<ExitCode> {
    let lang = args.lang.resolve();
    let targets = outputs(&args)?;
    let mut catalog = crate::input::load_catalog(&args.rules.dirs)?;
    let config = match &args.config {
        Some(p) => Some(crate::input::load_config(p, &catalog)?),
        None => None,
    };
    if let Some(c) = &config {
        catalog.apply_config(c);
    }
    let (snapshot, mut findings, resource_count) = match source {
        Source::Stored(path) => {
            let stored = crate::input::load_report(&path)?;
            (stored.snapshot, stored.findings, stored.resource_count)
        }
        Source::File(path) => {
            let snapshot = crate::input::load_snapshot(&path, &catalog)?;
            evaluate(&catalog, snapshot)
        }
        Source::Collected(s) => evaluate(&catalog, *s),
    };
    if let Some(c) = &config {
        settei_engine::apply_mutes(&mut findings, &c.mutes, chrono::Local::now().date_naive());
    }
    findings.retain(|f| {
        (args.severity.is_empty() || args.severity.contains(&f.severity))
            && (args.category.is_empty() || args.category.contains(&f.category))
    });
    // The CI gate sees every status: `--status` only chooses what is shown,
    // so `--status pass` cannot switch a gate off.
    let gate = args.fail_on.is_some_and(|threshold| {
        findings
            .iter()
            .any(|f| matches!(f.status, Status::Fail | Status::Error) && f.severity >= threshold)
    });
    findings.retain(|f| args.status.is_empty() || args.status.contains(&f.status));
    for c in &args.category {
        if catalog.guideline.category(c).is_none() {
            bail!(
                "unknown category `{c}` (expected one of {})",
                settei_rules::CATEGORY_IDS.join(", ")
            );
        }
    }
    let input = ReportInput {
        catalog: &catalog,
        snapshot: &snapshot,
        findings: &findings,
        lang,
        resource_count,
    };
    // Render everything first: a format that cannot be produced (ASFF for a
    // non-AWS scan) fails the run before any file is written.
    let mut rendered = Vec::new();
    for (format, path) in targets {
        let options = table::TableOptions {
            show_pass: args.show_pass,
        };
        let text = settei_report::render(format, &input, options)
            .map_err(|e| anyhow::anyhow!("--format {}: {e}", format.as_str()))?;
        rendered.push((path, text));
    }
    for (path, text) in &rendered {
        crate::output::write(path.as_deref(), text)?;
    }
    Ok(ExitCode::from(if gate { EXIT_FINDINGS } else { EXIT_OK }))
}

fn evaluate(
    catalog: &settei_rules::Catalog,
    snapshot: settei_model::Snapshot,
) -> (settei_model::Snapshot, Vec<settei_model::Finding>, usize) {
    tracing::info!(
        resources = snapshot.resources.len(),
        rules = catalog.rules.len(),
        "evaluating"
    );
    let findings = settei_engine::evaluate(&catalog.rules, &snapshot);
    let n = snapshot.resources.len();
    (snapshot, findings, n)
}
