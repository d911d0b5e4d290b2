package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
)

// usageKeys is the help of the operator's commands.
const usageKeys = `usage:
  troupe keys create --tenant T [--name N] [--tier free] [--mode live|test] [--scopes read,write,admin] [--expires 720h]
  troupe keys list [--tenant T]
  troupe keys revoke KEY_OR_ID
  troupe tenants create T [--name N]
  troupe tenants list
They work on the server's store (DATA_DIR or DATABASE_URL), so run them with the server's environment.`

// admin runs `troupe keys …` and `troupe tenants …`: out gets what a script reads (the new
// key on its own line, tables), errOut the rest.
func admin(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) < 2 {
		return errors.New(usageKeys)
	}
	cfg, err := app.LoadConfig()
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tiers, err := cfg.RateLimitTiers()
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	a, err := app.OpenAdmin(ctx, cfg, func(name string) bool { _, ok := tiers[name]; return ok })
	if err != nil {
		return err
	}
	defer a.Close()
	switch args[0] + " " + args[1] {
	case "keys create":
		return keysCreate(ctx, a.Keys, args[2:], out, errOut)
	case "keys list":
		return keysList(ctx, a.Keys, args[2:], out)
	case "keys revoke":
		if len(args) != 3 {
			return errors.New("usage: troupe keys revoke KEY_OR_ID")
		}
		k, err := a.Keys.Revoke(ctx, args[2])
		if err != nil {
			return err
		}
		fmt.Fprintf(errOut, "revoked %s (%s, tenant %s); every replica refuses it within %s\n", k.ID, k.Display, k.TenantID, cfg.KeyCacheTTL)
		return nil
	case "tenants create":
		fs := flag.NewFlagSet("tenants create", flag.ContinueOnError)
		name := fs.String("name", "", "the tenant's display name (default its id)")
		if len(args) < 3 || strings.HasPrefix(args[2], "-") {
			return errors.New("usage: troupe tenants create T [--name N]")
		}
		if err := fs.Parse(args[3:]); err != nil {
			return err
		}
		created, err := a.Keys.CreateTenant(ctx, args[2], *name)
		if err != nil {
			return err
		}
		if !created {
			fmt.Fprintf(errOut, "tenant %s already exists\n", args[2])
		}
		fmt.Fprintln(out, args[2])
		return nil
	case "tenants list":
		ts, err := a.Keys.ListTenants(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "TENANT\tNAME\tCREATED")
		for _, t := range ts {
			fmt.Fprintf(w, "%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339))
		}
		return w.Flush()
	}
	return errors.New(usageKeys)
}

func keysCreate(ctx context.Context, keys *domain.KeyService, args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(errOut)
	tenant := fs.String("tenant", "", "the tenant (created if it does not exist)")
	name := fs.String("name", "", "what the key is for (default: cli)")
	tier := fs.String("tier", "free", "the rate-limit tier")
	mode := fs.String("mode", "live", "live or test")
	scopes := fs.String("scopes", "read,write,admin", "comma-separated: read, write, admin, operator")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h (default: never expires)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenant == "" {
		return errors.New("keys create: --tenant is required")
	}
	if *name == "" {
		*name = "cli"
	}
	req := domain.IssueKey{TenantID: *tenant, Mode: domain.Mode(*mode), Name: *name, Tier: *tier, Source: domain.KeySourceCLI}
	for _, sc := range strings.Split(*scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			req.Scopes = append(req.Scopes, domain.Scope(sc))
		}
	}
	if *expires > 0 {
		at := time.Now().Add(*expires).UTC().Truncate(time.Microsecond)
		req.ExpiresAt = &at
	}
	k, secret, err := keys.Issue(ctx, req)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(errOut, "created %s for tenant %s (%s mode, tier %s, scopes %s); the key is shown only now:\n",
		k.ID, k.TenantID, k.Mode, k.Tier, joinScopes(k.Scopes))
	fmt.Fprintln(out, secret)
	return nil
}

func keysList(ctx context.Context, keys *domain.KeyService, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("keys list", flag.ContinueOnError)
	tenant := fs.String("tenant", "", "only this tenant's keys")
	if err := fs.Parse(args); err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tTENANT\tMODE\tNAME\tKEY\tSCOPES\tTIER\tSOURCE\tCREATED\tLAST USED\tSTATE")
	for offset := 0; ; offset += domain.MaxPageLimit {
		ks, total, err := keys.ListAllKeys(ctx, *tenant, domain.Page{Limit: domain.MaxPageLimit, Offset: offset})
		if err != nil {
			return err
		}
		for _, k := range ks {
			state := "active"
			switch {
			case k.RevokedAt != nil:
				state = "revoked " + k.RevokedAt.Format(time.RFC3339)
			case k.ExpiresAt != nil && !time.Now().Before(*k.ExpiresAt):
				state = "expired"
			}
			used := "never"
			if k.LastUsedAt != nil {
				used = k.LastUsedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.TenantID, k.Mode, k.Name, k.Display,
				joinScopes(k.Scopes), k.Tier, k.Source, k.CreatedAt.Format(time.RFC3339), used, state)
		}
		if offset+len(ks) >= total || len(ks) == 0 {
			break
		}
	}
	return w.Flush()
}

func joinScopes(scopes []domain.Scope) string {
	s := make([]string, len(scopes))
	for i, sc := range scopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ",")
}

// describe turns a validation error into one line per field for a terminal.
func describe(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation {
		return err
	}
	fields, _ := de.Details["fields"].([]domain.FieldError)
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(f.Field, "_", "-"), f.Message)
	}
	return fmt.Errorf("invalid key request:%s", b.String())
}
