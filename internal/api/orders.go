package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync/atomic"

	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
)

// OrderChecker checks one order for POST /v1/orders/check: it decodes the
// JSON order from r, screens its parties, goods and route, and returns the
// report to send back. A bad order is an *Error with status 400 naming the
// field; any other error is a 500.
type OrderChecker interface {
	CheckOrder(ctx context.Context, r io.Reader) (report any, err error)
}

func (s *server) checkOrder(w http.ResponseWriter, r *http.Request) {
	if s.orders == nil {
		s.writeError(w, r, &Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "order checking is not configured on this server"})
		return
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		s.writeError(w, r, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("content type %q: want application/json", ct)})
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.maxBody)
	report, err := s.orders.CheckOrder(r.Context(), body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, report)
}

// NewOrderChecker returns the OrderChecker of the program: it decodes
// orders with orders.Decode and checks them with a checker that mk builds
// over the current screener. A checker is built once per engine version
// and kept until the next swap, so that one order is screened against one
// version of the lists throughout.
func NewOrderChecker(eng *Engine, mk func(Screener) *orders.Checker) OrderChecker {
	return &orderChecker{eng: eng, mk: mk}
}

type orderChecker struct {
	eng *Engine
	mk  func(Screener) *orders.Checker
	cur atomic.Pointer[builtChecker]
}

type builtChecker struct {
	engine *loaded
	c      *orders.Checker
}

func (oc *orderChecker) checker() (*orders.Checker, error) {
	return oc.checkerFor(oc.eng.p.Load())
}

// checkerFor is the checker over the lists of l, so that a document's
// order and its free text are screened against one version.
func (oc *orderChecker) checkerFor(l *loaded) (*orders.Checker, error) {
	if l == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "the lists are still loading; retry shortly"}
	}
	if b := oc.cur.Load(); b != nil && b.engine == l {
		return b.c, nil
	}
	// Two requests may both build after a swap; one checker wins, and
	// both are equally good.
	b := &builtChecker{engine: l, c: oc.mk(l.s)}
	oc.cur.Store(b)
	return b.c, nil
}

func (oc *orderChecker) CheckOrder(ctx context.Context, r io.Reader) (any, error) {
	c, err := oc.checker()
	if err != nil {
		return nil, err
	}
	o, err := orders.Decode(r)
	if err != nil {
		return nil, orderError(err)
	}
	rep, err := c.Check(ctx, o)
	if err != nil {
		return nil, orderError(err)
	}
	return rep, nil
}

// orderError maps an order's validation error to a 400 naming its fields;
// other errors pass through to the status mapping.
func orderError(err error) error {
	var ve *orders.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		return err
	}
	fields := make([]match.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		// The position is part of the message: the API's field errors
		// have no place of their own for it.
		fields[i] = match.FieldError{Field: f.Field, Message: f.Message + f.Position()}
	}
	return &Error{Status: http.StatusBadRequest, Code: "invalid_order", Field: fields[0].Field,
		Message: fields[0].Message, Fields: capFields(fields)}
}
