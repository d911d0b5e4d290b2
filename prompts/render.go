package prompts

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"text/template"
)

// ErrInvalidInput is wrapped by the errors the render functions return when a required
// input is missing or a value is out of range.
var ErrInvalidInput = errors.New("prompts: invalid input")

//go:embed templates/*.tmpl
var templateFiles embed.FS

// templates holds every template, parsed once at start-up; a broken template fails the
// program (and every test) immediately rather than on the first request. Executing a
// parsed template is safe from many goroutines.
var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(templateFiles, "templates/*.tmpl"))

// render executes the "<name>_system.tmpl" and "<name>_user.tmpl" templates with view.
func render(name string, view any) (system, user string, err error) {
	system, err = execute(name+"_system.tmpl", view)
	if err != nil {
		return "", "", err
	}
	user, err = execute(name+"_user.tmpl", view)
	if err != nil {
		return "", "", err
	}
	return system, user, nil
}

func execute(name string, view any) (string, error) {
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name, view); err != nil {
		return "", fmt.Errorf("prompts: render %s: %w", name, err)
	}
	// Optional sections leave stray blank lines at the edges; trimming here keeps the
	// templates readable.
	return strings.TrimSpace(b.String()), nil
}

// invalid reports a bad input as an ErrInvalidInput.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}
