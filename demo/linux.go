package demo

import (
	"fmt"
	"time"
)

var sevFor = map[string]string{"sshd": "info", "sudo": "notice", "CRON": "info", "systemd": "info"}

func (g *gen) syslog(ts time.Time, h *host, facility, severity, proc string, pid int, msg string) {
	if severity == "" {
		severity = sevFor[proc]
	}
	g.emit(TSyslog, ts,
		"SourceSystem", "Linux", "Computer", h.Name, "EventTime", ts, "Facility", facility, "HostName", h.Name,
		"SeverityLevel", severity, "SyslogMessage", msg, "ProcessID", pid, "HostIP", h.IP, "ProcessName", proc,
		"CollectorHostName", h.Name)
}

type cronJob struct {
	user, cmd string
	every     time.Duration
	roles     map[string]bool
}

var cronJobs = []cronJob{
	{"root", "   cd / && run-parts --report /etc/cron.hourly", time.Hour, nil},
	{"postgres", "/usr/local/bin/pg_healthcheck.sh >/dev/null 2>&1", 10 * time.Minute, map[string]bool{"db": true}},
	{"www-data", "php /var/www/app/artisan schedule:run >> /dev/null 2>&1", 15 * time.Minute, map[string]bool{"web": true}},
	{"root", "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )", 24 * time.Hour, nil},
}

func (g *gen) cron(ts time.Time, h *host, user, cmd string) {
	pid := 10000 + g.intn(50000)
	uid := 0
	if user != "root" {
		uid = 33 + len(user)
	}
	g.syslog(ts, h, "authpriv", "info", "CRON", pid, fmt.Sprintf("pam_unix(cron:session): session opened for user %s(uid=%d) by (uid=0)", user, uid))
	g.syslog(ts.Add(5*time.Millisecond), h, "cron", "info", "CRON", pid+1, fmt.Sprintf("(%s) CMD (%s)", user, cmd))
	g.syslog(ts.Add(time.Duration(200+g.intn(3000))*time.Millisecond), h, "authpriv", "info", "CRON", pid, fmt.Sprintf("pam_unix(cron:session): session closed for user %s", user))
}

// sshLogin emits an accepted SSH login with its PAM session and returns the session end.
func (g *gen) sshLogin(ts time.Time, h *host, user, fromIP, method string, dur time.Duration) (pid int) {
	pid = 20000 + g.intn(40000)
	port := 40000 + g.intn(25000)
	fp := "SHA256:" + hexString(g.r, 8)
	if method == "publickey" {
		g.syslog(ts, h, "auth", "info", "sshd", pid, fmt.Sprintf("Accepted publickey for %s from %s port %d ssh2: ED25519 %s", user, fromIP, port, fp))
	} else {
		g.syslog(ts, h, "auth", "info", "sshd", pid, fmt.Sprintf("Accepted password for %s from %s port %d ssh2", user, fromIP, port))
	}
	g.syslog(ts.Add(30*time.Millisecond), h, "authpriv", "info", "sshd", pid, fmt.Sprintf("pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)", user, 1000+len(user)))
	end := ts.Add(dur)
	g.syslog(end, h, "auth", "info", "sshd", pid, fmt.Sprintf("Received disconnect from %s port %d:11: disconnected by user", fromIP, port))
	g.syslog(end.Add(10*time.Millisecond), h, "authpriv", "info", "sshd", pid, fmt.Sprintf("pam_unix(sshd:session): session closed for user %s", user))
	return pid
}

func (g *gen) sudo(ts time.Time, h *host, user, cmd string, ok bool) {
	pid := 30000 + g.intn(30000)
	if !ok {
		g.syslog(ts, h, "authpriv", "alert", "sudo", pid, fmt.Sprintf("%s : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/%s ; USER=root ; COMMAND=%s", user, user, cmd))
		return
	}
	g.syslog(ts, h, "authpriv", "notice", "sudo", pid, fmt.Sprintf("%s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=%s", user, user, cmd))
	g.syslog(ts.Add(2*time.Millisecond), h, "authpriv", "info", "sudo", pid, fmt.Sprintf("pam_unix(sudo:session): session opened for user root(uid=0) by %s(uid=%d)", user, 1000+len(user)))
	g.syslog(ts.Add(time.Duration(300+g.intn(5000))*time.Millisecond), h, "authpriv", "info", "sudo", pid, "pam_unix(sudo:session): session closed for user root")
}

var sudoCommands = []string{
	"/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update", "/usr/bin/apt-get -y upgrade",
	"/usr/bin/journalctl -u app --since today", "/usr/bin/tail -n 200 /var/log/nginx/error.log",
	"/usr/bin/systemctl status postgresql", "/usr/bin/du -sh /var/lib/postgresql",
}

func (g *gen) linuxDay(day time.Time, h *host, weekend bool) {
	next := day.Add(24 * time.Hour)
	for _, j := range cronJobs {
		if j.roles != nil && !j.roles[h.Role] {
			continue
		}
		offset := time.Duration(17) * time.Minute
		if j.every < time.Hour {
			offset = 0
		}
		if j.every == 24*time.Hour {
			offset = 6*time.Hour + 25*time.Minute
		}
		for ts := day.Add(offset); ts.Before(next); ts = ts.Add(j.every) {
			g.cron(ts.Add(time.Duration(g.intn(900))*time.Millisecond), h, j.user, j.cmd)
		}
	}
	jump := g.org.host("jump01")
	if !weekend {
		// admins go through the jump host
		for i := 0; i < g.between(1, 3)*g.k; i++ {
			adm := pick(g, g.org.Admins)
			from := jump.IP
			if h == jump {
				from = pick(g, g.org.WS).IP
			}
			ts := g.at(day, 9+g.r.Float64()*8)
			g.sshLogin(ts, h, adm.Unix, from, "publickey", time.Duration(3+g.intn(50))*time.Minute)
			for k := 0; k < g.between(0, 2); k++ {
				g.sudo(ts.Add(time.Duration(30+g.intn(120))*time.Second), h, adm.Unix, pick(g, sudoCommands), true)
			}
		}
		// CI deploys from the build server
		if h.Role == "web" {
			build := g.org.host("build01")
			for i := 0; i < g.between(1, 4); i++ {
				ts := g.at(day, 10+g.r.Float64()*7)
				g.sshLogin(ts, h, "deploy", build.IP, "publickey", time.Duration(20+g.intn(60))*time.Second)
				g.sudo(ts.Add(5*time.Second), h, "deploy", "/usr/bin/systemctl reload app", true)
			}
		}
	}
	// internet-facing web01 sees occasional opportunistic probes
	if h.Name == "web01" {
		for i := 0; i < g.between(2, 8); i++ {
			ts := g.at(day, g.r.Float64()*24)
			ip := g.randomInternetIP()
			user := pick(g, []string{"admin", "test", "user", "ubuntu", "oracle", "postgres"})
			pid := 40000 + g.intn(20000)
			port := 30000 + g.intn(30000)
			g.syslog(ts, h, "auth", "info", "sshd", pid, fmt.Sprintf("Invalid user %s from %s port %d", user, ip, port))
			g.syslog(ts.Add(2*time.Second), h, "auth", "info", "sshd", pid, fmt.Sprintf("Failed password for invalid user %s from %s port %d ssh2", user, ip, port))
			g.syslog(ts.Add(3*time.Second), h, "auth", "info", "sshd", pid, fmt.Sprintf("Connection closed by invalid user %s %s port %d [preauth]", user, ip, port))
		}
	}
}
