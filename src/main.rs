//! The `guichet` command: `serve` (the default), `migrate`, `demo`, `user create`, `backup`.

use std::{io::Read, path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use guichet::{
    AppState,
    config::{Config, DemoDecision},
    db::{self, Ctx, Unscoped},
    demo,
    domain::role::Role,
    server, services,
    services::error::ServiceError,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, QueryFilter};
use tracing_subscriber::EnvFilter;

/// Guichet: the service desk of a consortium's hosted offers.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, load the demo into an empty database if `demo = true`, and serve.
    Serve,
    /// Apply the pending database migrations and exit.
    Migrate,
    /// Load the demo consortium into an empty database and exit.
    Demo,
    /// Rebuild the full-text indexes of FAQs and tickets (after an upgrade over existing data,
    /// or a change of the search rules) and exit.
    Reindex,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Take in one e-mail message read on standard input (for a mail server that pipes to a
    /// command). Exit codes per sysexits: 0 handled (added, opened, or deliberately left
    /// alone), 65 unreadable (the mail server bounces it), 75 temporary failure (it retries).
    MailIn,
    /// Copy the database to a file while the server keeps running (SQLite); for PostgreSQL and
    /// MariaDB, print the command to use.
    Backup {
        /// Where to write the copy.
        #[arg(long, default_value = "guichet-backup.db")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input (first line).
    Create {
        /// Sign-in e-mail address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Code of the account's organisation (e.g. ESUP).
        #[arg(long)]
        organisation: String,
        /// A role (repeat for several): contact, agent, coordinator, committee, steering, admin.
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// Interface language: fr or en.
        #[arg(long, default_value = "fr")]
        language: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token for an account; the token is printed once.
    Create {
        /// The account's e-mail address.
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
        /// Days of validity.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

fn parse_role(name: &str) -> Result<Role, String> {
    Role::parse(name).ok_or_else(|| {
        let known: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role; expected one of {}", known.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_figment(Config::figment()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("guichet: {err}");
            return ExitCode::from(2);
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log));
    // Logs go to standard error, so that standard output carries only what the command says.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // Two rustls crypto providers are compiled in through dependencies; name ours, or the
    // first TLS connection (SMTP) panics.
    if rustls::crypto::ring::default_provider()
        .install_default()
        .is_err()
    {
        tracing::debug!("a rustls crypto provider was already installed");
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("guichet: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::MailIn) {
        return runtime.block_on(mail_in(config));
    }
    match runtime.block_on(run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("guichet: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let db = db::connect(&config)
        .await
        .context("connecting to the database")?;
    // The commands that start from the schema bring it up to date; the others work on what is.
    if matches!(
        command,
        Command::Serve | Command::Migrate | Command::Reindex | Command::Demo
    ) {
        db::migrate(&db).await.context("applying migrations")?;
    }
    match command {
        Command::Serve => serve(db, config).await,
        Command::Migrate => {
            println!("Migrations applied.");
            Ok(())
        }
        Command::Reindex => {
            let (faqs, tickets) =
                services::fulltext::reindex(&Ctx::platform(db.clone(), guichet::clock::wall_now()))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Indexed {faqs} FAQs and {tickets} tickets.");
            Ok(())
        }
        Command::Demo => {
            demo::load(&db, guichet::clock::wall_now()).await?;
            println!("Demo data loaded.");
            print!("{}", demo::accounts_listing());
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    organisation,
                    roles,
                    language,
                },
        } => {
            let new = NewUser {
                email,
                name,
                organisation,
                roles,
                language,
            };
            create_user(&db, &config, new).await
        }
        Command::Token {
            command: TokenCommand::Create { email, name, days },
        } => create_token(&db, &email, &name, days).await,
        Command::Backup { output } => backup(&db, &output).await,
        Command::MailIn => unreachable_mail_in(),
    }
}

/// `mail-in` is run by [`mail_in`], for its exit codes.
fn unreachable_mail_in() -> anyhow::Result<()> {
    anyhow::bail!("mail-in is handled before the other commands")
}

/// sysexits.h: the input data was incorrect.
const EX_DATAERR: u8 = 65;
/// sysexits.h: a temporary failure; the mail server tries again later.
const EX_TEMPFAIL: u8 = 75;

/// `guichet mail-in`: one message on standard input, its fate told by the exit code.
async fn mail_in(config: Config) -> ExitCode {
    let mut raw = Vec::new();
    // One byte past the limit tells a message that is too large from one that fits exactly.
    let limit = u64::try_from(config.body_limit_bytes).unwrap_or(u64::MAX);
    if let Err(err) = std::io::stdin().take(limit + 1).read_to_end(&mut raw) {
        eprintln!("guichet: reading the message: {err}");
        return ExitCode::from(EX_TEMPFAIL);
    }
    if raw.len() > config.body_limit_bytes {
        eprintln!("guichet: message larger than body_limit_bytes");
        return ExitCode::from(EX_DATAERR);
    }
    let db = match db::connect(&config).await {
        Ok(db) => db,
        Err(err) => {
            eprintln!("guichet: connecting to the database: {err:#}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    let mailer = match guichet::mail::Mailer::from_config(&config) {
        Ok(mailer) => mailer,
        Err(err) => {
            eprintln!("guichet: mail settings: {err:#}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    let platform = Ctx::platform(db.clone(), guichet::clock::wall_now());
    let settings = services::mail_in::Settings {
        data_dir: &config.data_dir,
        max_bytes: config.attachment_max_bytes,
        per_hour: config.mail_in_per_hour,
        served_offer: None,
    };
    match services::mail_in::receive(&db, &platform, &mailer, &raw, &settings).await {
        Ok(outcome) => {
            println!("{}", outcome.word());
            ExitCode::SUCCESS
        }
        Err(services::mail_in::MailInError::Malformed(err)) => {
            eprintln!("guichet: {err}");
            ExitCode::from(EX_DATAERR)
        }
        Err(err) => {
            eprintln!("guichet: {err}");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

/// Loads the demo when the setting says so, then serves until a signal stops the server.
async fn serve(db: sea_orm::DatabaseConnection, config: Config) -> anyhow::Result<()> {
    match config.demo.decide(config.listen) {
        DemoDecision::Load if demo::is_empty(&db).await? => {
            demo::load(&db, guichet::clock::wall_now())
                .await
                .context("loading the demo data")?;
            println!("Demo data loaded.");
        }
        DemoDecision::RefusedOffLoopback if demo::is_empty(&db).await? => {
            println!(
                "Demo data NOT loaded: {} is reachable from the network and demo = \"auto\". \
                 Set demo = true (GUICHET_DEMO=true) to load accounts whose password is public.",
                config.listen
            );
        }
        _ => {}
    }
    if demo::accounts_exist(&db).await? {
        print!("{}", demo::accounts_listing());
    }
    let state = AppState::new(db, config)?.with_readers().await?;
    let applied = services::identity_providers::at_start(&state)
        .await
        .context("applying the identity providers of the configuration")?;
    if applied != services::identity_providers::Applied::default() {
        println!(
            "Identity providers from the configuration: {} created, {} updated, {} unchanged.",
            applied.created, applied.updated, applied.unchanged
        );
    }
    let listener = tokio::net::TcpListener::bind(state.config.listen)
        .await
        .with_context(|| format!("binding {}", state.config.listen))?;
    let local = listener.local_addr()?;
    println!("Guichet listens on http://{local}");
    server::serve(listener, state, server::shutdown_signal()).await?;
    println!("Guichet stopped.");
    Ok(())
}

/// What `user create` was told.
struct NewUser {
    email: String,
    name: String,
    organisation: String,
    roles: Vec<Role>,
    language: String,
}

/// Creates an account whose password is the first line of standard input.
async fn create_user(
    db: &sea_orm::DatabaseConnection,
    config: &Config,
    new: NewUser,
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("reading the password from standard input")?;
    let password = password.lines().next().unwrap_or_default().to_owned();
    if let Err(refusal) =
        guichet::domain::password_length::check_chosen(&password, config.password_max_chars)
    {
        let (key, args) = refusal.message();
        anyhow::bail!(
            "the password (first line of standard input): {}",
            guichet::i18n::Lang::En.t_args(key, &args)
        );
    }
    let hash = guichet::password::hash_blocking(password).await?;
    let organisation_id = organisation_id(db, &new.organisation).await?;
    let created = services::accounts::create(
        &Ctx::platform(db.clone(), guichet::clock::wall_now()),
        services::accounts::NewAccount {
            email: new.email,
            display_name: new.name,
            organisation_id,
            roles: new.roles,
            language: new.language,
        },
        Some(hash),
        config.max_contacts_per_organisation,
    )
    .await
    .map_err(describe)?;
    println!(
        "Account {} created (id {}).",
        created.account.email, created.account.id
    );
    Ok(())
}

/// Creates a personal API token for the active account of `email` and prints it once.
async fn create_token(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    name: &str,
    days: i64,
) -> anyhow::Result<()> {
    // Unscoped: the operator at the console acts for the platform.
    let account = Unscoped::find::<entity::account::Entity>()
        .filter(entity::account::Column::Email.eq(email.trim().to_lowercase()))
        .filter(entity::account::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no active account has the address {email}"))?;
    let platform = Ctx::platform(db.clone(), guichet::clock::wall_now());
    let token = services::tokens::create(&platform, account.id, name, chrono::Duration::days(days))
        .await
        .map_err(describe)?;
    println!("{}", token.token);
    eprintln!(
        "Token {} for {} expires at {}; it is shown only this once.",
        token.id, account.email, token.expires_at
    );
    Ok(())
}

/// The id of the organisation with `code`.
async fn organisation_id(db: &sea_orm::DatabaseConnection, code: &str) -> anyhow::Result<i64> {
    Unscoped::find::<entity::organisation::Entity>()
        .filter(entity::organisation::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .map(|o| o.id)
        .ok_or_else(|| anyhow::anyhow!("refused: organisation: no organisation has this code"))
}

/// Turns a service error into a message for the console.
fn describe(err: ServiceError) -> anyhow::Error {
    match err {
        ServiceError::Invalid(fields) => {
            let lines: Vec<_> = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.reason))
                .collect();
            anyhow::anyhow!("refused: {}", lines.join("; "))
        }
        other => anyhow::anyhow!(other),
    }
}

/// SQLite's `VACUUM INTO` writes a consistent copy while other connections keep writing.
async fn backup(db: &sea_orm::DatabaseConnection, output: &std::path::Path) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            if output.exists() {
                anyhow::bail!(
                    "{} exists already; choose another --output",
                    output.display()
                );
            }
            let target = output.to_string_lossy().replace('\'', "''");
            db.execute_unprepared(&format!("VACUUM INTO '{target}'"))
                .await
                .context("copying the database")?;
            println!("Backup written to {}.", output.display());
            Ok(())
        }
        DbBackend::Postgres => anyhow::bail!(
            "PostgreSQL is backed up with its own tools while Guichet runs: \
             pg_dump --format=custom --file=guichet.dump <database>"
        ),
        _ => anyhow::bail!(
            "MariaDB is backed up with its own tools while Guichet runs: \
             mariadb-dump --single-transaction --routines <database> > guichet.sql"
        ),
    }
}
