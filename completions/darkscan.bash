# bash completion for darkscan                               -*- shell-script -*-
# Installed as share/bash-completion/completions/darkscan (loaded on demand by bash-completion),
# or sourced by hand. Uses bash-completion's helpers (_init_completion, _filedir) when they are
# loaded, plain compgen otherwise. Keep the option lists in step with `darkscan --help`,
# `darkscan merge --help` and `darkscan --list-formats`: tests/e2e/test_completion.py checks them.

_darkscan_reply()  # _darkscan_reply WORDS...: COMPREPLY = the WORDS that start with $cur
{
    mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
}

_darkscan_files()  # _darkscan_files [-d]: file (or, with -d, directory) names that start with $cur
{
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
        return
    fi
    compopt -o filenames 2>/dev/null
    if [[ ${1-} == -d ]]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

_darkscan()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        # Without bash-completion: COMP_WORDS is split at '=' (and ':'); `--by=d` arrives as
        # `--by` `=` `d`. Put option and value back together the way _init_completion -s does.
        COMPREPLY=()
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        if [[ $cur == = && $prev == --* ]]; then
            cur='' split=true
        elif [[ $prev == = && $cword -ge 2 && ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
            prev=${COMP_WORDS[COMP_CWORD - 2]} split=true
        elif [[ $cur == --*=* ]]; then
            prev=${cur%%=*} cur=${cur#*=} split=true
        fi
    fi

    local formats='table tsv csv json ndjson html'
    local presets='combined nginx apache ncsa common clf vcombined vhost_combined vhost-combined
        combined-xff nginx-main-xff main-xff xff caddy caddy-json traefik-json traefik cloudflare
        cloudflare-logpush logpush nginx-json json cloudfront aws-cloudfront w3c iis'
    local periods='hour day week month'
    local times='today yesterday -1d -7d -30d'

    # Options that take a value, per command (their value is never a subcommand or a FILE).
    local main_valued='-f --log-format -F --output-format -o --output -n --top --keep-param
        --min-visits --site --host --trusted-proxy --exclude-ip --rules --since --until --by --salt --max-line-length --threads
        --state --state-out --state-keep'
    local merge_valued='-F --output-format -o --output -n --top --min-visits --since --until
        --by --rules --state-out --state-keep'

    # Which command are we in: darkscan, merge, rules, rules check or rules ua?
    local cmd=main positionals=0 i w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $w == = ]]; then  # `--opt = value` from a split COMP_WORDS
            ((i++))
            continue
        fi
        case $cmd in
        main)
            if [[ $w == -* && $w != - && $w != *=* && " ${main_valued//$'\n'/ } " == *" $w "* ]]; then
                ((i++)); [[ ${words[i]} == = ]] && ((i++))
            elif [[ $w == merge || $w == rules ]]; then
                cmd=$w positionals=0
            elif [[ $w != -* || $w == - ]]; then
                ((positionals++))
            fi
            ;;
        merge)
            if [[ $w == -* && $w != *=* && " ${merge_valued//$'\n'/ } " == *" $w "* ]]; then
                ((i++)); [[ ${words[i]} == = ]] && ((i++))
            elif [[ $w != -* ]]; then
                ((positionals++))
            fi
            ;;
        rules)
            [[ $w == check || $w == ua ]] && cmd=rules_$w
            ;;
        rules_ua)
            [[ $w == --rules ]] && { ((i++)); [[ ${words[i]} == = ]] && ((i++)); }
            ;;
        esac
    done

    # The value of the option before the cursor.
    case $prev in
    -F | --output-format)
        [[ $cmd == main || $cmd == merge ]] && { _darkscan_reply "$formats"; return; }
        ;;
    -f | --log-format)
        [[ $cmd == main ]] && { _darkscan_reply "$presets"; return; }
        ;;
    --by)
        [[ $cmd == main || $cmd == merge ]] && { _darkscan_reply "$periods"; return; }
        ;;
    --since | --until)
        [[ $cmd == main || $cmd == merge ]] && { _darkscan_reply "$times"; return; }
        ;;
    --state-keep)
        [[ $cmd == main || $cmd == merge ]] && { _darkscan_reply '48h 7d 30d 90d 12w 52w'; return; }
        ;;
    --threads)
        if [[ $cmd == main ]]; then
            local n max list=''
            max=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 8)
            ((max > 256)) && max=256
            for ((n = 1; n <= max; n++)); do list+=" $n"; done
            _darkscan_reply "$list"
            return
        fi
        ;;
    -o | --output | --state | --state-out)
        [[ $cmd == main || $cmd == merge ]] && { _darkscan_files; return; }
        ;;
    --rules)
        [[ $cmd == main || $cmd == merge || $cmd == rules_ua ]] && { _darkscan_files -d; return; }
        ;;
    -n | --top | --min-visits | --keep-param | --site | --host | --trusted-proxy | --exclude-ip | --salt | --max-line-length)
        [[ $cmd == main || $cmd == merge ]] && return  # free text: nothing to offer
        ;;
    esac
    $split && return  # --unknown=...: nothing to offer

    case $cmd in
    main)
        if [[ $cur == -* ]]; then
            _darkscan_reply -h --help -V --version -f --log-format -F --output-format -o --output \
                -n --top --keep-param --no-learn-params --min-visits --site --host --trusted-proxy --exclude-ip --rules --since --until --by --hits \
                --explain --salt --show-ip --strict --max-line-length --threads --state \
                --state-out --state-keep -q --quiet --list-formats
        else
            _darkscan_files
            if ((positionals == 0)); then
                mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -W 'merge rules' -- "$cur")
            fi
        fi
        ;;
    merge)
        if [[ $cur == -* ]]; then
            _darkscan_reply -h --help -F --output-format -o --output -n --top --min-visits \
                --since --until --by --rules --state-out --state-keep -q --quiet
        else
            _darkscan_files
        fi
        ;;
    rules)
        if [[ $cur == -* ]]; then
            _darkscan_reply -h --help
        else
            _darkscan_reply check ua
        fi
        ;;
    rules_check)
        if [[ $cur == -* ]]; then
            _darkscan_reply -h --help
        else
            _darkscan_files -d
        fi
        ;;
    rules_ua)
        if [[ $cur == -* ]]; then
            _darkscan_reply -h --help --rules
        fi
        ;;
    esac
} &&
    complete -F _darkscan darkscan

# ex: filetype=sh
