package cloudfront

import (
	"encoding/xml"
	"net/http"

	"github.com/kirikae/kirikae/sandbox/core"
)

// serveLists answers ListDistributions, ListKeyValueStores and GetFunction,
// or CloudFront's error for an operation the sandbox does not serve.
func serveLists(a *core.Account, w http.ResponseWriter, r *http.Request, parts []string) {
	fail := func(err error) { core.WriteError(w, r, core.ProtoRESTXML, core.AsAPIError(err)) }
	get := r.Method == http.MethodGet && len(parts) >= 2 && parts[0] == "2020-05-31"
	var out any
	var err error
	switch {
	case get && len(parts) == 2 && parts[1] == "distribution":
		err = a.View(func(st *core.State) error { out = listDistributions(st); return nil })
	case get && len(parts) == 2 && parts[1] == "key-value-store":
		err = a.View(func(st *core.State) error { out = listKeyValueStores(st); return nil })
	case get && len(parts) == 3 && parts[1] == "function":
		var code []byte
		var etag string
		err = a.View(func(st *core.State) error {
			code, etag, err = functionCode(st, parts[2], r.URL.Query().Get("Stage"))
			return err
		})
		if err != nil {
			fail(err)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(code)
		return
	default:
		err = core.UnknownOperation(r.Method + " " + r.URL.Path)
	}
	if err != nil {
		fail(err)
		return
	}
	core.WriteXML(w, http.StatusOK, out)
}

// listHead is what CloudFront's lists share: one page of at most 100.
type listHead struct {
	Xmlns    string `xml:"xmlns,attr"`
	Marker   string `xml:"Marker"`
	MaxItems int    `xml:"MaxItems"`
	Quantity int    `xml:"Quantity"`
}

func newListHead() listHead { return listHead{Xmlns: cloudFrontXMLNS, MaxItems: 100} }

type distributionSummary struct {
	ID               string `xml:"Id"`
	ARN              string `xml:"ARN"`
	Status           string `xml:"Status"`
	LastModifiedTime string `xml:"LastModifiedTime"`
	DomainName       string `xml:"DomainName"`
	cfDistributionConfig
}

// listDistributions: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributions.html
func listDistributions(st *core.State) any {
	var out struct {
		XMLName xml.Name `xml:"DistributionList"`
		listHead
		IsTruncated bool                  `xml:"IsTruncated"`
		Items       []distributionSummary `xml:"Items>DistributionSummary"`
	}
	out.listHead = newListHead()
	for _, o := range core.NewIndex(st)[core.TokDistribution] {
		d := distributionOf(o)
		out.Items = append(out.Items, distributionSummary{ID: d.ID, ARN: d.ARN, Status: d.Status,
			LastModifiedTime: d.LastModifiedTime, DomainName: d.DomainName, cfDistributionConfig: d.DistributionConfig})
	}
	out.Quantity = len(out.Items)
	return out
}

type keyValueStore struct {
	Name             string `xml:"Name"`
	ID               string `xml:"Id"`
	Comment          string `xml:"Comment"`
	ARN              string `xml:"ARN"`
	Status           string `xml:"Status"`
	LastModifiedTime string `xml:"LastModifiedTime"`
}

// listKeyValueStores: a store's Id is the last segment of its ARN.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListKeyValueStores.html
func listKeyValueStores(st *core.State) any {
	var out struct {
		XMLName xml.Name `xml:"KeyValueStoreList"`
		listHead
		Items []keyValueStore `xml:"Items>KeyValueStore"`
	}
	out.listHead = newListHead()
	for _, o := range core.NewIndex(st)[core.TokKeyValueStore] {
		arn := core.StrOf(o, "arn")
		out.Items = append(out.Items, keyValueStore{Name: core.StrOf(o, "id"), ID: core.LastSegment(arn, "/"),
			Comment: core.StrOf(o, "comment"), ARN: arn, Status: "READY", LastModifiedTime: core.StrOf(o, "lastModifiedTime")})
	}
	out.Quantity = len(out.Items)
	return out
}

// functionCode is GetFunction's answer: the function's code of the stage
// (DEVELOPMENT or LIVE, LIVE only once published) and its ETag.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetFunction.html
func functionCode(st *core.State, name, stage string) ([]byte, string, error) {
	for _, f := range core.NewIndex(st)[core.TokFunction] {
		if core.StrOf(f, "id") != name {
			continue
		}
		if stage == "LIVE" {
			if !core.BoolOf(f, "publish") {
				break
			}
			return []byte(core.StrOf(f, "code")), core.StrOf(f, "liveStageEtag"), nil
		}
		return []byte(core.StrOf(f, "code")), core.StrOf(f, "etag"), nil
	}
	return nil, "", core.NotFound("NoSuchFunctionExists", "The function does not exist: "+name)
}
