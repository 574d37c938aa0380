package sandbox

import (
	"encoding/json"
	"fmt"
)

const (
	ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113"
	ecrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921"
	tokCluster      = "aws:ecs/cluster:Cluster"
	tokRepository   = "aws:ecr/repository:Repository"
)

func (a *Account) ecsOps() map[string]jsonOp {
	return map[string]jsonOp{
		"DescribeServices":       describeServices,
		"DescribeTaskDefinition": describeTaskDefinition,
	}
}

func clusterNotFound(cluster string) error {
	return badRequest("ClusterNotFoundException", fmt.Sprintf("Cluster not found: %s", cluster))
}

// describeServices reports what each service runs. After a deployment
// circuit breaker rollback the PRIMARY deployment (and the service's task
// definition) is the one ECS rolled back to, not the one requested.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
func describeServices(st *state, in []byte) (any, error) {
	var req struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	if len(req.Services) == 0 {
		return nil, badRequest("InvalidParameterException", "Services cannot be empty.")
	}
	cluster := req.Cluster
	if cluster == "" {
		cluster = "default" // ECS's default cluster
	}
	ix := newIndex(st)
	if cluster != "default" && !clusterExists(ix, cluster) {
		return nil, clusterNotFound(cluster)
	}
	services, failures := []any{}, []any{}
	for _, name := range req.Services {
		r, err := st.findService(cluster, name)
		if err != nil {
			failures = append(failures, map[string]any{"arn": name, "reason": "MISSING"})
			continue
		}
		services = append(services, serviceDescription(ix, st, r))
	}
	return map[string]any{"services": services, "failures": failures}, nil
}

func clusterExists(ix index, cluster string) bool {
	for _, c := range ix[tokCluster] {
		if strOf(c, "arn") == cluster || strOf(c, "name") == lastSegment(cluster, "/") {
			return true
		}
	}
	return false
}

func serviceDescription(ix index, st *state, r *record) map[string]any {
	outs, _ := plain(r.Outputs).(map[string]any)
	ref := strOf(outs, "taskDefinition")
	if running, ok := st.Running[r.ID]; ok {
		ref = running
	}
	td := taskDefinitionARN(ix, ref)
	count := outs["desiredCount"]
	launch := strOf(outs, "launchType")
	if launch == "" {
		launch = "FARGATE"
	}
	lbs := outs["loadBalancers"]
	if lbs == nil {
		lbs = []any{}
	}
	return map[string]any{
		"serviceArn": r.ID, "serviceName": strOf(outs, "name"), "clusterArn": strOf(outs, "cluster"),
		"status": "ACTIVE", "desiredCount": count, "runningCount": count, "pendingCount": 0,
		"launchType": launch, "taskDefinition": td, "loadBalancers": lbs,
		"schedulingStrategy": "REPLICA", "createdAt": epoch(""),
		"deployments": []any{map[string]any{
			"id": "ecs-svc/" + stableDigits(r.ID+td, 19), "status": "PRIMARY", "taskDefinition": td,
			"desiredCount": count, "runningCount": count, "pendingCount": 0, "failedTasks": 0,
			"launchType": launch, "rolloutState": "COMPLETED", "createdAt": epoch(""), "updatedAt": epoch(""),
		}},
	}
}

// describeTaskDefinition accepts an ARN, family:revision or family (the
// latest ACTIVE revision), as ECS does.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
func describeTaskDefinition(st *state, in []byte) (any, error) {
	var req struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	ix := newIndex(st)
	arn := taskDefinitionARN(ix, req.TaskDefinition)
	for _, td := range ix[tokTaskDef] {
		if strOf(td, "arn") != arn {
			continue
		}
		var defs []any
		if err := json.Unmarshal([]byte(strOf(td, "containerDefinitions")), &defs); err != nil {
			return nil, fmt.Errorf("parse containerDefinitions of %s: %w", arn, err)
		}
		out := map[string]any{
			"taskDefinitionArn": arn, "family": td["family"], "revision": td["revision"],
			"containerDefinitions": defs, "status": "ACTIVE", "registeredAt": epoch(""),
		}
		for _, k := range []string{"cpu", "memory", "networkMode", "requiresCompatibilities", "executionRoleArn", "taskRoleArn"} {
			if v, ok := td[k]; ok {
				out[k] = v
			}
		}
		return map[string]any{"taskDefinition": out, "tags": []any{}}, nil
	}
	return nil, badRequest("ClientException", "Unable to describe task definition.")
}

func (a *Account) ecrOps() map[string]jsonOp {
	return map[string]jsonOp{
		// Another account's registry (registryId) answers as far as its
		// repository's policy allows (registry_xacct.go).
		"DescribeRepositories": crossAccount("ecr:DescribeRepositories", describeRepositories),
		"DescribeImages":       crossAccount("ecr:DescribeImages", describeImages),
		"BatchGetImage":        crossAccount("ecr:BatchGetImage", batchGetImage),
		"BatchDeleteImage":     crossAccountWrite(a.batchDeleteImage),
	}
}

func (st *state) repositoryNotFound(name string) error {
	return badRequest("RepositoryNotFoundException",
		fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", name, st.AccountID))
}

// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
func describeRepositories(st *state, in []byte) (any, error) {
	var req struct {
		RepositoryNames []string `json:"repositoryNames"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	repos := newIndex(st)[tokRepository]
	byName := map[string]map[string]any{}
	for _, r := range repos {
		byName[strOf(r, "name")] = r
	}
	names := req.RepositoryNames
	if len(names) == 0 {
		for _, r := range repos {
			names = append(names, strOf(r, "name"))
		}
	}
	out := []any{}
	for _, n := range names {
		r, ok := byName[n]
		if !ok {
			return nil, st.repositoryNotFound(n)
		}
		scan, _ := r["imageScanningConfiguration"].(map[string]any)
		out = append(out, map[string]any{
			"repositoryArn": r["arn"], "registryId": r["registryId"], "repositoryName": n,
			"repositoryUri": r["repositoryUrl"], "createdAt": epoch(""),
			"imageTagMutability":         r["imageTagMutability"],
			"imageScanningConfiguration": map[string]any{"scanOnPush": scan["scanOnPush"] == true},
		})
	}
	return map[string]any{"repositories": out}, nil
}

type imageID struct {
	ImageTag    string `json:"imageTag,omitempty"`
	ImageDigest string `json:"imageDigest,omitempty"`
}

func needRepository(st *state, name string) error {
	_, err := st.repository(name)
	return err
}

func (st *state) imageNotFound(repository string, id imageID) error {
	return badRequest("ImageNotFoundException", fmt.Sprintf(
		"The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
		id.ImageDigest, id.ImageTag, repository, st.AccountID))
}

// describeImages lists the repository's images, or the named ones; one
// missing named image fails the call with ImageNotFoundException.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
func describeImages(st *state, in []byte) (any, error) {
	req, err := imagesRequestOf(st, in)
	if err != nil {
		return nil, err
	}
	images := st.Images[req.RepositoryName]
	if len(req.ImageIDs) > 0 {
		images = nil
		for _, id := range req.ImageIDs {
			im := st.findImage(req.RepositoryName, id)
			if im == nil {
				return nil, st.imageNotFound(req.RepositoryName, id)
			}
			images = append(images, im)
		}
	}
	details := []any{}
	for _, im := range images {
		d := map[string]any{
			"registryId": st.AccountID, "repositoryName": req.RepositoryName,
			"imageDigest": im.Digest, "imagePushedAt": epoch(im.PushedAt),
			"imageSizeInBytes": im.Size, "imageManifestMediaType": manifestMediaType,
		}
		if len(im.Tags) > 0 { // ECR leaves imageTags out for untagged images
			d["imageTags"] = im.Tags
		}
		details = append(details, d)
	}
	return map[string]any{"imageDetails": details}, nil
}

// batchGetImage returns each found image's manifest and a failure for each
// missing one; the call itself succeeds.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
func batchGetImage(st *state, in []byte) (any, error) {
	req, err := imagesRequestOf(st, in)
	if err != nil {
		return nil, err
	}
	images, failures := []any{}, []any{}
	for _, id := range req.ImageIDs {
		im := st.findImage(req.RepositoryName, id)
		if im == nil {
			failures = append(failures, map[string]any{"imageId": id, "failureCode": "ImageNotFound",
				"failureReason": "Requested image not found"})
			continue
		}
		got := imageID{ImageDigest: im.Digest, ImageTag: id.ImageTag}
		images = append(images, map[string]any{
			"registryId": st.AccountID, "repositoryName": req.RepositoryName,
			"imageId": got, "imageManifest": im.Manifest, "imageManifestMediaType": manifestMediaType,
		})
	}
	return map[string]any{"images": images, "failures": failures}, nil
}

// imagesRequest is the body DescribeImages and BatchGetImage share.
type imagesRequest struct {
	RepositoryName string    `json:"repositoryName"`
	ImageIDs       []imageID `json:"imageIds"`
}

// imagesRequestOf decodes it and checks the repository exists.
func imagesRequestOf(st *state, in []byte) (imagesRequest, error) {
	var req imagesRequest
	if err := decode(in, &req); err != nil {
		return req, err
	}
	return req, needRepository(st, req.RepositoryName)
}
