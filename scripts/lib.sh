# Shared by the scripts in this folder: installing what is missing, idempotently.

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages named that are not installed yet; quiet when all are present.
ensure_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs the PyPI packages named (pip's own `name==version` syntax) that are not installed yet.
ensure_pypi_packages() {
    local missing=()
    for requirement in "$@"; do
        python3 -m pip show -q "${requirement%%[=<>]*}" >/dev/null 2>&1 || missing+=("$requirement")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing PyPI packages: ${missing[*]}"
    local pip=(python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore)
    # Debian's own Python refuses system-wide installs (PEP 668); a pyenv or venv Python does not.
    "${pip[@]}" "${missing[@]}" 2>/dev/null || "${pip[@]}" --break-system-packages "${missing[@]}"
}

# Makes sure `python3 -m pip` works, from Debian's packages when the machine has no pip.
ensure_pip() {
    python3 -m pip --version >/dev/null 2>&1 || ensure_debian_packages python3 python3-pip
}

# What building the operator needs beyond the Swift toolchain.
BUILD_PACKAGES=(libssl-dev libcurl4-openssl-dev pkg-config)
