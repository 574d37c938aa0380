package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/stacks"
)

// Status is what a stack is doing now, read through the AWS APIs (ECS,
// Lambda, CloudWatch) rather than from state alone: state says what kirikae
// asked for, these say what AWS runs.
type Status struct {
	Stack    string `json:"stack"`
	Deployed bool   `json:"deployed"`
	// Live is the release serving now, per the release log.
	Live *Release `json:"live,omitempty"`
	// Colors are the ECS services, active first.
	Colors []ColorStatus `json:"colors,omitempty"`
	// Alias is Lambda alias `live` as Lambda reports it.
	Alias           *cloud.AliasStatus `json:"alias,omitempty"`
	FrontendRelease string             `json:"frontendRelease,omitempty"`
	Alarms          []cloud.Alarm      `json:"alarms"`
	Freeze          *Freeze            `json:"freeze,omitempty"`
	// LastOperation is the newest journal record.
	LastOperation *journal.Record `json:"lastOperation,omitempty"`
	// Problems are what could not be read; the rest is still shown.
	Problems []string `json:"problems,omitempty"`
	// Interrupted is an operation that stopped without finishing: what is
	// served may not be Live until the next up, rollback or promote puts
	// Live back (recover.go).
	Interrupted *Interruption `json:"interrupted,omitempty"`
}

// ColorStatus is one colour's service as ECS reports it.
type ColorStatus struct {
	Color  string `json:"color"`
	Active bool   `json:"active"`
	cloud.ServiceStatus
}

// Status reads the stack's live state. A part AWS cannot answer becomes a
// problem line instead of failing the whole command: status is what you
// run when something is already wrong.
func (s *Session) Status(ctx context.Context) (*Status, error) {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	st := &Status{Stack: s.Stack(), Deployed: len(outs) > 0, Alarms: []cloud.Alarm{}}
	rels, err := s.Releases(ctx)
	if err != nil {
		return nil, err
	}
	if live, ok := LiveRelease(rels); ok {
		st.Live = &live
	}
	if f, err := s.CurrentFreeze(ctx); err != nil {
		st.Problems = append(st.Problems, err.Error())
	} else if f.Frozen {
		st.Freeze = &f
	}
	if recs, err := s.journal().List(ctx, time.Time{}, 1); err != nil {
		st.Problems = append(st.Problems, err.Error())
	} else if len(recs) > 0 {
		st.LastOperation = &recs[0]
	}
	if !st.Deployed {
		return st, nil
	}
	if st.LastOperation == nil || st.LastOperation.Result != journal.ResultRunning {
		s.readInterruption(ctx, st)
	}
	st.FrontendRelease = outputString(outs, infra.OutputFrontendRelease)
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	problem := func(err error) { st.Problems = append(st.Problems, err.Error()) }
	if cluster := outputString(outs, infra.OutputClusterName); cluster != "" {
		active := outputString(outs, infra.OutputActiveColor)
		for _, pair := range [][2]string{{infra.OutputActiveService, active}, {infra.OutputIdleService, otherColor(active)}} {
			svc := outputString(outs, pair[0])
			if svc == "" {
				continue
			}
			ss, err := c.ServiceStatus(ctx, cluster, svc)
			if err != nil {
				problem(err)
				continue
			}
			st.Colors = append(st.Colors, ColorStatus{Color: pair[1], Active: pair[1] == active, ServiceStatus: ss})
		}
	}
	if s.Config.Backend == stacks.BackendLambda {
		if a, err := c.AliasVersion(ctx, infra.FunctionName(s.Config), infra.LiveAlias); err != nil {
			problem(err)
		} else {
			st.Alias = &a
		}
	}
	if alarms, err := s.stackAlarms(ctx, s.Config); err != nil {
		problem(fmt.Errorf("read alarms: %w", err))
	} else if alarms != nil {
		st.Alarms = alarms
	}
	return st, nil
}
