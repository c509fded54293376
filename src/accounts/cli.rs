//! `ratify user add NAME --role editor|admin [--password-stdin]`: creates an account and prints
//! a generated password once, or takes the password from standard input.

use std::io::BufRead;

use clap::Subcommand;

use super::{password, AccountError, Role};
use crate::audit::{self, Action, CLI_ACTOR};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a generated password once (or reads one with --password-stdin).
    Add {
        /// The user name (stored in lower case).
        name: String,
        /// editor (records events, imports) or admin (also manages accounts and API tokens).
        #[arg(long, value_parser = ["editor", "admin"])]
        role: String,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Runs a `ratify user …` command against `db` (migrated and seeded by the caller).
pub fn run(db: &crate::db::Db, command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add { name, role, password_stdin } => {
            let role = Role::parse(&role).ok_or_else(|| format!("okänd roll \"{role}\" (editor eller admin)"))?;
            let username = super::normalize_username(&name);
            super::check_username(&username)?;
            let (clear, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("kan inte läsa lösenordet: {e}"))?;
                let line = line.trim_end_matches(['\r', '\n']).to_string();
                password::check_policy(&line, &username)?;
                (line, false)
            } else {
                (password::generate(), true)
            };
            let hashed = password::hash(&clear).map_err(|e| e.to_string())?;
            let user = db
                .write_blocking(|conn| -> Result<_, AccountError> {
                    // A generated password was seen by whoever ran the command: the user picks their own.
                    let user = super::create_in(conn, &username, &hashed, role, generated)?;
                    audit::record(
                        conn,
                        CLI_ACTOR,
                        Action::AccountCreate,
                        &format!("Konto {} ({}) skapat från kommandoraden.", user.username, role.label_sv()),
                        None,
                    )?;
                    Ok(user)
                })
                .map_err(|e| e.to_string())?;
            if generated {
                eprintln!(
                    "Kontot \"{}\" ({}) är skapat. Lösenordet visas bara nu; det måste bytas vid första inloggningen:",
                    user.username,
                    role.label_sv()
                );
                println!("{clear}");
            } else {
                println!("Kontot \"{}\" ({}) är skapat.", user.username, role.label_sv());
            }
            Ok(())
        }
    }
}
