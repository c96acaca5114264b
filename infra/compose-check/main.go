// compose-check loads a set of compose files with the Compose project's own loader (compose-go,
// the library inside `docker compose`), the way `docker compose config` does: schema validation,
// interpolation from the env files, merging of the -f files in order, and the consistency checks
// (unknown services in depends_on, undefined networks and volumes). It takes the same arguments as
// the Makefile's compose commands, so `make compose-check` checks exactly the sets the targets use:
//
//	go run ./infra/compose-check -p reference-one --env-file infra/versions.env \
//	  -f docker-compose.network.yml -f backend/one/docker-compose.yml
//
// It prints one line per service and fails (exit 1) with the loader's message on any error.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	var name string
	var files, envFiles []string
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		if i+1 >= len(args) {
			fail("usage: compose-check -p NAME [--env-file FILE]... -f FILE [-f FILE]...")
		}
		switch args[i] {
		case "-p", "--project-name":
			name = args[i+1]
		case "--env-file":
			envFiles = append(envFiles, args[i+1])
		case "-f", "--file":
			files = append(files, args[i+1])
		default:
			fail("unknown argument " + args[i])
		}
		i++
	}
	if len(files) == 0 {
		fail("no compose file given (-f)")
	}

	options, err := cli.NewProjectOptions(files,
		cli.WithName(name),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithConsistency(true),
	)
	if err != nil {
		fail(err.Error())
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(fmt.Sprintf("%s: %v", strings.Join(files, " + "), err))
	}

	names := project.ServiceNames()
	sort.Strings(names)
	for _, service := range names {
		config := project.Services[service]
		image := config.Image
		if config.Build != nil {
			image += " (built from " + config.Build.Dockerfile + ")"
		}
		fmt.Printf("[compose-check] %s/%s: %s\n", project.Name, service, image)
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "[compose-check] "+message)
	os.Exit(1)
}
