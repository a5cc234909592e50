//! `tuilerie token`: issues a token for a local user, signed with the server's secret.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tuilerie_api::{LocalAuthenticator, TokenClaims};
use tuilerie_core::ids::Email;

/// Name of the secret's file in the data directory.
pub const SECRET_FILE: &str = "jwt-secret";

/// Arguments of `tuilerie token`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// E-mail address of the user; the same address always gets the same user.
    #[arg(long)]
    email: String,
    /// Make the user a platform administrator.
    #[arg(long)]
    admin: bool,
    /// Data directory of the server (holds the signing secret).
    #[arg(long, default_value = ".data")]
    data: PathBuf,
    /// How many days the token stays valid, from 1 to 3650.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(i64).range(1..=MAX_DAYS))]
    days: i64,
}

/// Runs `tuilerie token`: prints the token on standard output.
pub fn run(args: Args) -> anyhow::Result<()> {
    let secret = load_or_create_secret(&args.data)?;
    let authenticator = LocalAuthenticator::new(&secret);
    println!(
        "{}",
        issue(&authenticator, &args.email, args.admin, args.days)?
    );
    Ok(())
}

/// The longest validity of a token, in days.
pub const MAX_DAYS: i64 = 3650;

/// A token for the user with this e-mail address, valid for `days` (1 to [`MAX_DAYS`]).
pub fn issue(
    authenticator: &LocalAuthenticator,
    email: &str,
    admin: bool,
    days: i64,
) -> anyhow::Result<String> {
    if !(1..=MAX_DAYS).contains(&days) {
        anyhow::bail!("a token is valid from 1 to {MAX_DAYS} days, not {days}");
    }
    let email = Email::parse(email)?;
    let claims = TokenClaims::new(
        &subject(&email),
        email.as_str(),
        admin,
        chrono::Duration::days(days),
    );
    Ok(authenticator.issue(&claims)?)
}

/// The stable subject of a local user: derived from their e-mail address.
pub fn subject(email: &Email) -> String {
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, email.as_str().as_bytes());
    format!("local-{}", id.simple())
}

/// Reads the signing secret of a data directory, creating the directory and a random secret
/// (readable by its owner only) on first use.
pub fn load_or_create_secret(data: &Path) -> anyhow::Result<Vec<u8>> {
    if !data.exists() {
        // A new data directory is private: records, secret and files are for this user only.
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(data).with_context(|| {
            format!(
                "cannot create the data directory {}: choose a writable place with --data",
                data.display()
            )
        })?;
    }
    let path = data.join(SECRET_FILE);
    match fs::read_to_string(&path) {
        Ok(secret) if !secret.trim().is_empty() => return Ok(secret.trim().as_bytes().to_vec()),
        Ok(_) => anyhow::bail!("{} is empty; delete it to get a new secret", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(secret.into_bytes())
        }
        // Another process created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(fs::read_to_string(&path)?.trim().as_bytes().to_vec())
        }
        Err(error) => Err(error).with_context(|| format!("cannot create {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = load_or_create_secret(&data).unwrap();
        let second = load_or_create_secret(&data).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(data.join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = fs::metadata(&data).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "a new data directory is private");
        }
    }

    #[test]
    fn the_same_address_always_gets_the_same_subject() {
        let a = subject(&Email::parse("Ada@Example.org").unwrap());
        let b = subject(&Email::parse("ada@example.org").unwrap());
        let c = subject(&Email::parse("bob@example.org").unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn issued_tokens_verify_with_the_same_secret() {
        let authenticator = LocalAuthenticator::new(b"secret");
        let token = issue(&authenticator, "ada@example.org", true, 1).unwrap();
        let claims = authenticator.verify(&token).unwrap();
        assert!(claims.platform_admin);
        assert_eq!(claims.email.as_str(), "ada@example.org");
        assert!(issue(&authenticator, "not an address", false, 1).is_err());
    }
}
