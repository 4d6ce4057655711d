//! The `guichet` command: `serve` (the default), `migrate`, `demo`, `user create`, `backup`.

use std::{io::Read, path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use guichet::{AppState, config::Config, db, demo, domain::role::Role, server, services};
use sea_orm::{ConnectionTrait, DbBackend};
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
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
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
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("guichet: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
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
    match command {
        Command::Serve => {
            db::migrate(&db).await.context("applying migrations")?;
            if config.demo {
                if demo::is_empty(&db).await? {
                    demo::load(&db).await.context("loading the demo data")?;
                    println!("Demo data loaded.");
                }
                print!("{}", demo::accounts_listing());
            }
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("binding {}", config.listen))?;
            let local = listener.local_addr()?;
            println!("Guichet listens on http://{local}");
            server::serve(
                listener,
                AppState::new(db, config),
                server::shutdown_signal(),
            )
            .await?;
            println!("Guichet stopped.");
        }
        Command::Migrate => {
            db::migrate(&db).await.context("applying migrations")?;
            println!("Migrations applied.");
        }
        Command::Demo => {
            db::migrate(&db).await.context("applying migrations")?;
            demo::load(&db).await?;
            println!("Demo data loaded.");
            print!("{}", demo::accounts_listing());
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
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.lines().next().unwrap_or_default().to_owned();
            if password.chars().count() < 12 {
                anyhow::bail!(
                    "the password (first line of standard input) needs 12 characters or more"
                );
            }
            let hash = guichet::password::hash_blocking(password).await?;
            let created = services::accounts::create(
                &db,
                services::accounts::NewAccount {
                    email,
                    display_name: name,
                    organisation_code: organisation,
                    roles,
                    password_hash: Some(hash),
                    language,
                },
            )
            .await
            .map_err(describe)?;
            println!("Account {} created (id {}).", created.email, created.id);
        }
        Command::Backup { output } => backup(&db, &output).await?,
    }
    Ok(())
}

/// Turns a service error into a message for the console.
fn describe(err: guichet::error::AppError) -> anyhow::Error {
    match err {
        guichet::error::AppError::Validation(fields) => {
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
