// Command workload is a test program for the sandbox's real workloads: an
// HTTP server like app/cmd/server whose misbehaviour is chosen by the
// version baked into it (-ldflags -X main.Version=…), so a test pushes a
// broken release the way a team would push a broken build:
//
//	*crash*      exits at start
//	*unhealthy*  answers 500 on /healthz
//	*api500*     passes /healthz, answers 500 on /api/…
//	*migrate3*   its `migrate` command fails with exit code 3
//	*slowstart*  serves only after a second
//	*ownport*    ignores an inherited listener and binds $PORT itself,
//	             as a program that does not speak socket activation
//
// Otherwise it serves as app/cmd/server does: on the listener it inherited
// by socket activation (LISTEN_FDS=1, fd 3), else on $PORT.
//
// Run as `workload migrate` (an ECS command override, kirikae:migrateCommand)
// it is a database migration that prints what it did and exits.
package main

import (
	"encoding/json"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kirikae/kirikae/app/activation"
)

var Version = "dev"

func main() {
	log.SetFlags(0)
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		if strings.Contains(Version, "migrate3") {
			log.Printf("migrate: version %s: applying 0042_add_orders", Version)
			log.Printf("migrate: 0042_add_orders: column orders.total already exists")
			os.Exit(3)
		}
		log.Printf("migrate: release %s: database schema is up to date", Version)
		return
	}
	if strings.Contains(Version, "crash") {
		log.Fatalf("version %s: crashing at start", Version)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if strings.Contains(Version, "unhealthy") {
			http.Error(w, "unhealthy", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		if strings.Contains(Version, "api500") {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "hello"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"version": Version})
	})
	log.Printf("serving version %s on :%s (GREETING=%s)", Version, os.Getenv("PORT"), os.Getenv("GREETING"))
	// Every answer says which build served it, as app/api does.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Kirikae-Version", Version)
		mux.ServeHTTP(w, r)
	})
	if strings.Contains(Version, "slowstart") {
		time.Sleep(time.Second)
	}
	ln, err := listener()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(ln, h))
}

func listener() (net.Listener, error) {
	if !strings.Contains(Version, "ownport") {
		if ln, ok, err := activation.Listener(); ok {
			return ln, err
		}
	}
	return net.Listen("tcp", ":"+os.Getenv("PORT"))
}
